"""Evidence-informed actions per SC-WRES metric: a starting list for a steering group's action plan.

Data, not advice to be followed blindly: each entry is one action an authority could put in its plan, the
mechanism it works on, how a steering group would know it worked, and the named source(s) the idea comes
from. The wording is this project's own; sources are named (organisation and kind of document), not quoted,
and no figures are attributed to them. An authority co-produces its plan with its staff network and chooses
what fits its own data and context.

`for_metric("M3")` gives the entries for one metric; `suggest(results)` turns a metrics document's results
into "these metrics are outside the non-adverse range, here is where, here are ideas".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wres.standards import load

STANDARD = load("sc-wres")  # the catalogue's ideas are written for the SC-WRES's metrics: no other standard's
METRICS = STANDARD.metrics
METRIC_IDS = STANDARD.metric_ids
WORSE = f"worse_for_{STANDARD.focus.id}"


@dataclass(frozen=True)
class Entry:
    metric: str  # one of M1 … M9, M7a, M7b
    action: str  # one imperative sentence, concrete enough to put in a plan
    why: str  # the mechanism it addresses
    success_measure: str  # how a steering group would know it worked
    source: str  # named source(s) the idea comes from


# --- sources, named once so the same document is always spelt the same way ---------------------------------

WRES_GUIDANCE = "NHS England, Workforce Race Equality Standard technical guidance"
MODEL_EMPLOYER = "NHS England/NHS Improvement, WRES 'model employer' strategy (2019)"
KLINE = "Roger Kline, 'The snowy white peaks of the NHS' (2014)"
ISSAR = "NHS Improvement, letter from Prerana Issar to NHS trusts on the disciplinary process (2019)"
JUST_CULTURE = "NHS Improvement 'just culture' guidance and the 'just and learning culture' approach"
ACAS = "ACAS Code of Practice on disciplinary and grievance procedures"
SFC = "Skills for Care, SC-WRES reports (2023, 2024)"
SWE_FTP = "Social Work England, fitness to practise guidance for employers"
SWE_EDI = "Social Work England, equality, diversity and inclusion commitments"
FAIR_TO_REFER = "General Medical Council, 'Fair to refer?' research on disproportionate referrals by employers (2019)"
RACE_AT_WORK = "Business in the Community, Race at Work Charter"
CIPD_RECRUIT = "CIPD guidance on inclusive recruitment"
CIPD_RETAIN = "CIPD guidance on employee turnover and retention"
LEADERSHIP_ACADEMY = "NHS Leadership Academy, reverse mentoring and positive-action leadership programmes"
POSITIVE_ACTION = "Equality Act 2010, sections 158 and 159 (positive action)"
PSED = "Equality Act 2010, section 149 (public sector equality duty)"
ABUSE_GUIDANCE = "BMA and NHS Employers guidance on tackling abuse of staff by patients and the public"
VIOLENCE_STANDARD = "NHS England, violence prevention and reduction standard"
SPEAK_UP = "National Guardian's Office, Freedom to Speak Up guardian model"
CIVILITY = "NHS Employers, civility and respect resources"
STAY = "NHS Employers retention guidance (stay conversations)"
PAY_REPORTING = "UK government guidance for employers on ethnicity pay reporting (2023)"
GEO_EVIDENCE = (
    "Government Equalities Office, evidence-based actions for employers on closing gender pay gaps "
    "(the mechanisms apply to ethnicity too)"
)


def _e(metric: str, action: str, why: str, success_measure: str, *sources: str) -> Entry:
    return Entry(metric, action, why, success_measure, "; ".join(sources))


def _both(action: str, why: str, success_measure: str, *sources: str) -> tuple[Entry, Entry]:
    """An action that addresses abuse from colleagues (M7a) and from managers (M7b) alike."""
    return _e("M7a", action, why, success_measure, *sources), _e("M7b", action, why, success_measure, *sources)


CATALOGUE: tuple[Entry, ...] = (
    # --- M1: pay bands (the top band is assessed) ---------------------------------------------------------
    _e("M1",
       "Audit pay band progression and starting salaries by ethnicity each year, within each grade and role.",
       "Gaps in the top band often build up below it: minority ethnic staff may start lower on the scale, "
       "progress more slowly through increments or be regraded less often.",
       "The audit is published to the steering group each year and any unexplained gap in starting point or "
       "progression within a grade is closed by the next audit.",
       PAY_REPORTING, SFC),
    _e("M1",
       "Publish the salary range for every post and set a rule for where in the range new starters are placed.",
       "Negotiated starting salaries and unpublished ranges reward those who know the system or feel able "
       "to push, which widens gaps that then persist.",
       "Every advert carries its range; the share of appointments above the bottom of the scale is similar "
       "for minority ethnic and white appointees.",
       GEO_EVIDENCE, CIPD_RECRUIT),
    _e("M1",
       "Review acting-up, secondment and honorarium arrangements so that higher-paid temporary roles are "
       "advertised openly and allocated on stated criteria.",
       "Informal 'tap on the shoulder' acting-up is a common route into higher bands and tends to follow "
       "existing networks.",
       "All acting-up and secondment opportunities are advertised; their allocation by ethnicity is reported "
       "and in proportion to the eligible workforce.",
       KLINE, MODEL_EMPLOYER),
    _e("M1",
       "Set an aspiration for the minority ethnic share of the top pay band that matches the share of the "
       "band below it, with a date, and report progress to the corporate leadership team.",
       "A stated aspiration with a date and an owner turns a reported gap into something leaders are "
       "accountable for.",
       "The top-band relative likelihood rises year on year towards the non-adverse range and the "
       "aspiration is met by the date set.",
       MODEL_EMPLOYER, RACE_AT_WORK),

    # --- M2: appointed from shortlisting ----------------------------------------------------------------
    _e("M2",
       "Require every interview panel for posts at or above senior practitioner level to include at least "
       "one member from a minority ethnic background, drawn from a trained panel pool.",
       "Homogeneous panels are more prone to affinity bias and to judging 'fit' against people like "
       "themselves.",
       "Panel composition is recorded for every appointment; at least nine in ten panels meet the rule and "
       "the appointment relative likelihood moves towards the range.",
       MODEL_EMPLOYER, CIPD_RECRUIT),
    _e("M2",
       "Remove names and other identifying details from applications before shortlisting.",
       "Names, places of study and overseas qualifications can trigger bias before an applicant is ever "
       "met.",
       "All applications reach shortlisters anonymised; the shortlisting rate by ethnicity is compared "
       "before and after the change.",
       CIPD_RECRUIT),
    _e("M2",
       "Use structured interviews with questions and scoring criteria fixed in advance, and have panel "
       "members score independently before discussing candidates.",
       "Unstructured interviews and group discussion let first impressions and the loudest view decide; "
       "independent scoring against set criteria reduces that.",
       "Scoring sheets are kept for every appointment and an HR spot check finds them complete; appointment "
       "rates by ethnicity converge.",
       CIPD_RECRUIT, WRES_GUIDANCE),
    _e("M2",
       "Have HR review any appointment where the highest-scoring shortlisted candidate was not appointed, "
       "and give every unsuccessful internal candidate written feedback.",
       "A second look at departures from the scores catches decisions made on grounds other than the "
       "criteria, and feedback gives candidates something to act on next time.",
       "Every such appointment has a recorded reason; the share of internal candidates receiving feedback "
       "is reported and near complete.",
       KLINE, ACAS),
    _e("M2",
       "Give every recruiting manager training in inclusive recruitment and bias before they chair a panel.",
       "Managers who chair panels set the tone and the questions; a shared standard makes the other "
       "measures stick.",
       "The proportion of recruiting managers trained is tracked monthly and reaches all chairs; no panel "
       "is chaired by an untrained manager.",
       CIPD_RECRUIT, SFC),

    # --- M3: entering the formal disciplinary process ---------------------------------------------------
    _e("M3",
       "Require a senior manager independent of the team, with HR, to review every proposal to start a "
       "formal disciplinary process against a checklist before it goes ahead.",
       "Disproportion arises largely at the point of deciding to go formal, where concerns about minority "
       "ethnic staff are less often resolved informally; an independent check tests that decision.",
       "Every formal case has a recorded pre-formal review; the share of proposals resolved informally is "
       "reported by ethnicity and the disciplinary relative likelihood moves towards the range.",
       ISSAR, KLINE),
    _e("M3",
       "Adopt a just and learning culture decision guide that asks whether a concern is about the system, "
       "training or support before it is treated as individual misconduct.",
       "Many concerns come from workload, unclear process or lack of support; treating them as individual "
       "blame falls hardest on staff with less informal protection.",
       "Managers use the guide in every case (checked in the pre-formal review); repeat concerns about the "
       "same system issue lead to changes, not cases.",
       JUST_CULTURE, ISSAR),
    _e("M3",
       "Report formal disciplinary cases, suspensions and outcomes by ethnicity, service and team to the "
       "steering group every quarter.",
       "What is not counted is not seen: quarterly figures show where cases cluster and whether outcomes "
       "differ, long before the annual return.",
       "The quarterly report is produced and discussed every quarter, and teams with a pattern of "
       "disproportion have an agreed response.",
       WRES_GUIDANCE, ACAS),
    _e("M3",
       "Offer every member of staff entering a formal process a named wellbeing contact independent of "
       "the case, and set time limits for each stage of an investigation.",
       "Long, isolating processes do lasting harm and make it more likely people leave or become unwell, "
       "whatever the outcome.",
       "Every person in a formal process is offered a contact; the average length of investigations falls "
       "and is reported by ethnicity.",
       ISSAR, ACAS),
    _e("M3",
       "Train investigating officers and disciplinary panel chairs in fair investigation and in how bias "
       "can enter evidence gathering and decisions.",
       "Investigations shape outcomes; investigators who know where bias enters (who is interviewed, how "
       "accounts are weighed) run fairer ones.",
       "Only trained officers investigate; a sample of closed cases is audited each year against the "
       "ACAS code.",
       ACAS, KLINE),

    # --- M4: referrals to the regulator for fitness to practise -----------------------------------------
    _e("M4",
       "Review every proposed referral to Social Work England or the HCPC against a written checklist of "
       "the regulator's threshold, with the principal social worker and HR, before it is made.",
       "Employers refer minority ethnic professionals more often; many referrals could have been handled "
       "locally, and a check against the regulator's own threshold filters them.",
       "Every referral has a recorded pre-referral review; referrals closed by the regulator without "
       "further action fall as a share of all referrals.",
       SWE_FTP, FAIR_TO_REFER),
    _e("M4",
       "Make sure local support and supervision have been tried and recorded before a capability concern "
       "is referred, except where there is a risk to people who use services.",
       "Referral is sometimes used in place of management support, especially for staff new to the "
       "authority or to practice in England.",
       "The pre-referral review records what local support was offered in every non-urgent case.",
       SWE_FTP, FAIR_TO_REFER),
    _e("M4",
       "Give internationally recruited and newly qualified social workers a structured induction on "
       "English law, local procedures and professional expectations, with a named mentor.",
       "Professionals trained abroad are more often referred for issues that a fuller induction into local "
       "practice and expectations would have prevented.",
       "Every international recruit completes the induction and has a mentor; referrals in the first two "
       "years of employment are tracked by ethnicity.",
       FAIR_TO_REFER, SWE_EDI),
    _e("M4",
       "Review every fitness to practise referral after the regulator's decision, by ethnicity, and feed "
       "the learning back to managers.",
       "Looking back at referrals the regulator closed shows where local thresholds are set too low and for "
       "whom.",
       "An annual learning review is presented to the steering group and its recommendations are taken "
       "into the checklist.",
       SWE_EDI, SWE_FTP),

    # --- M5: funded non-mandatory training and CPD ------------------------------------------------------
    _e("M5",
       "Record every application for and award of funded CPD, and report access by ethnicity, service and "
       "grade to the steering group every quarter.",
       "Without a central record, access depends on managers' discretion and gaps go unseen.",
       "A single record holds all applications and awards; the quarterly report is produced and the CPD "
       "relative likelihood stays within the range.",
       WRES_GUIDANCE, SFC),
    _e("M5",
       "Advertise all funded CPD places openly with the eligibility criteria, instead of managers "
       "nominating staff.",
       "Nomination routes development through existing relationships, which can leave out staff who are "
       "less visible to decision makers.",
       "Every funded place is advertised; applications and awards by ethnicity are in proportion to the "
       "eligible workforce.",
       KLINE, CIPD_RECRUIT),
    _e("M5",
       "Include a development conversation in every supervision and appraisal and record the CPD agreed "
       "and whether it happened.",
       "A recorded conversation makes a manager accountable for every team member's development, not only "
       "the ones who ask.",
       "Appraisal records show a development plan for nearly all staff, with completion similar by "
       "ethnicity.",
       SFC, RACE_AT_WORK),
    _e("M5",
       "Reserve some places on leadership and specialist programmes for under-represented staff as lawful "
       "positive action, with the reasons recorded.",
       "Where minority ethnic staff are under-represented in development, the Equality Act allows "
       "targeted encouragement and training to close the gap.",
       "Reserved places are filled each year and participants' later progression is tracked.",
       POSITIVE_ACTION, LEADERSHIP_ACADEMY),

    # --- M6: abuse from people who use services, relatives and the public ------------------------------
    _e("M6",
       "Adopt a zero-tolerance policy on racist abuse from people who use services, relatives and the "
       "public, setting out the steps from a warning to changing how a service is delivered.",
       "Staff are more likely to report, and managers to act, when the organisation has said in advance "
       "what it will do.",
       "The policy is published and known to staff (checked in the staff survey); the share of staff who "
       "say they would report abuse rises.",
       ABUSE_GUIDANCE, RACE_AT_WORK),
    _e("M6",
       "Set up simple incident recording for abuse from the public, including racist abuse, with monthly "
       "review of incidents by a named manager.",
       "Under-reporting hides the scale of abuse; a simple route and visible follow-up encourage reporting "
       "and show where to act.",
       "Incidents are recorded and reviewed each month; the survey figure and the recorded figure are "
       "compared to track under-reporting.",
       VIOLENCE_STANDARD, ABUSE_GUIDANCE),
    _e("M6",
       "Make sure every member of staff who experiences abuse is offered a debrief with their manager and "
       "access to support, and that the manager records what was done.",
       "Abuse that goes unacknowledged is repeated and harms wellbeing and retention; a consistent "
       "response shows staff it is taken seriously.",
       "Debriefs are recorded for every reported incident; survey responses on feeling supported after "
       "abuse improve.",
       ABUSE_GUIDANCE, VIOLENCE_STANDARD),
    _e("M6",
       "Train front-line staff and managers in responding to racist abuse during visits and contacts, "
       "including when to withdraw and how to escalate.",
       "Staff who know what they may do and that they will be backed act sooner and are less exposed.",
       "All front-line teams receive the training; the abuse-from-the-public relative likelihood moves "
       "towards the range.",
       VIOLENCE_STANDARD, SFC),

    # --- M7a / M7b: abuse from colleagues and from managers ---------------------------------------------
    *_both(
        "Set up a speak-up route independent of line management, such as trained speak-up guardians or "
        "staff network advocates, for raising bullying and harassment.",
        "Staff bullied by a colleague or manager often cannot raise it through the same line; an independent "
        "route makes raising a concern safe.",
        "The route is in place and used; the number of concerns raised and their outcomes are reported by "
        "ethnicity, and survey trust in raising concerns improves.",
        SPEAK_UP, RACE_AT_WORK),
    *_both(
        "Run active bystander training for all staff so that colleagues know how to challenge racist remarks "
        "and microaggressions when they see them.",
        "Most incidents are witnessed; bystanders who act reduce repetition and show that the behaviour is "
        "not accepted.",
        "A set share of staff trained each quarter; survey items on seeing colleagues challenge "
        "inappropriate behaviour improve.",
        RACE_AT_WORK, CIVILITY),
    *_both(
        "Monitor grievances and bullying complaints by the ethnicity of the person raising them and report "
        "their outcome and duration to the steering group.",
        "Patterns in who complains, how long it takes and what happens show whether the formal routes work "
        "for minority ethnic staff.",
        "The report is produced quarterly; outcomes and times to resolve are similar by ethnicity.",
        ACAS, WRES_GUIDANCE),
    _e("M7a",
       "Run a civility and respect programme in teams where the survey shows high levels of abuse from "
       "colleagues, with team agreements on behaviour.",
       "Incivility spreads within teams and is a precursor to bullying; team-level work targets where it "
       "is concentrated.",
       "Teams in the programme show a fall in the colleagues-abuse rate at the next survey.",
       CIVILITY, SFC),
    _e("M7b",
       "Include race equality and inclusive leadership objectives in every manager's appraisal and use "
       "upward feedback from their teams to assess them.",
       "Managers' behaviour is shaped by what they are held to account for; upward feedback brings their "
       "teams' experience into that.",
       "Every manager has such an objective; upward feedback is collected annually and the managers-abuse "
       "relative likelihood falls.",
       RACE_AT_WORK, MODEL_EMPLOYER),
    _e("M7b",
       "Train all managers in inclusive supervision, including how power and race shape supervision and "
       "how to give fair feedback.",
       "Supervision is where managers most often exercise power over practitioners; unfair or harsh "
       "supervision is a common source of reported abuse from managers.",
       "All managers trained; survey items on supervision quality are similar for minority ethnic and "
       "white staff.",
       SFC, KLINE),

    # --- M8: leaving the authority ----------------------------------------------------------------------
    _e("M8",
       "Offer every leaver an exit interview with someone outside their line, and analyse reasons for "
       "leaving by ethnicity every quarter.",
       "Reasons given to a line manager are often not the real ones; independent interviews analysed by "
       "ethnicity show whether minority ethnic staff leave for different reasons.",
       "Most leavers complete an exit interview; the quarterly analysis is reported and leads to named "
       "actions.",
       CIPD_RETAIN, SFC),
    _e("M8",
       "Hold stay conversations with staff in their first two years and with those in teams with high "
       "turnover, to find and fix what would make them leave.",
       "Asking before people decide to leave lets managers act on workload, development and treatment "
       "while it can still make a difference.",
       "Stay conversations are recorded for the groups targeted; turnover in those groups falls and the "
       "leaving relative likelihood moves towards the range.",
       STAY, CIPD_RETAIN),
    _e("M8",
       "Track moves from permanent posts to agency work by ethnicity and ask those leaving for agency work "
       "what would have kept them.",
       "Leaving for agency work often follows lack of progression or poor treatment; understanding why "
       "shows what to change.",
       "Moves to agency work are reported by ethnicity; the steering group agrees changes based on what "
       "leavers say.",
       SFC, CIPD_RETAIN),
    _e("M8",
       "Offer an internal transfer or career conversation to anyone who raises an intention to leave, "
       "before their resignation is accepted.",
       "Some people leave a team or a manager rather than the authority; a move can keep their skills.",
       "Transfers offered and taken are recorded; the share of leavers who were offered one rises.",
       STAY, RACE_AT_WORK),

    # --- M9: senior manager roles ------------------------------------------------------------------------
    _e("M9",
       "Run a reverse mentoring programme in which minority ethnic staff mentor members of the corporate "
       "and departmental leadership teams.",
       "Senior leaders learn first hand how decisions and culture are experienced, and mentors become "
       "visible to those who make senior appointments.",
       "Every member of the leadership team takes part; leaders report a change they have made as a "
       "result and mentors' progression is tracked.",
       LEADERSHIP_ACADEMY, RACE_AT_WORK),
    _e("M9",
       "Offer a positive-action leadership development programme for minority ethnic staff in middle "
       "management, with a senior sponsor for each participant.",
       "Under-representation at senior level reflects a thinner pipeline and less sponsorship; targeted "
       "development and a sponsor address both.",
       "A cohort completes the programme each year; participants' applications and appointments to senior "
       "roles are tracked and the senior manager relative likelihood rises.",
       POSITIVE_ACTION, LEADERSHIP_ACADEMY),
    _e("M9",
       "Build succession plans for every senior manager post that name a diverse pool of potential "
       "successors, reviewed by the corporate leadership team.",
       "Succession drawn from informal networks reproduces the existing senior team; naming a diverse pool "
       "widens who is developed and considered.",
       "Every senior post has a succession plan; the minority ethnic share of named successors matches "
       "the share of the feeder grades.",
       MODEL_EMPLOYER, KLINE),
    _e("M9",
       "Require senior appointment panels to include an independent member from a minority ethnic "
       "background and to shortlist from a diverse field, using search if needed.",
       "Senior appointments are few and high-stakes; a diverse panel and field make it less likely that "
       "candidates are judged on resemblance to current leaders.",
       "All senior panels meet the rule; the minority ethnic share of senior shortlists and appointments "
       "is reported each year.",
       MODEL_EMPLOYER, KLINE, POSITIVE_ACTION),
    _e("M9",
       "Appoint an executive sponsor for race equality on the corporate leadership team and report progress "
       "on senior representation to elected Members each year.",
       "Visible ownership at the top and accountability to Members keep senior representation on the "
       "agenda when other pressures compete.",
       "The sponsor is named and reports annually; the minority ethnic share of senior managers moves "
       "towards the share of the workforce.",
       RACE_AT_WORK, PSED),
)


def for_metric(metric_id: str) -> tuple[Entry, ...]:
    """The catalogue's entries for one metric (M1 … M9, M7a, M7b), in catalogue order."""
    if metric_id not in METRIC_IDS:
        raise KeyError(f"unknown metric {metric_id!r}: expected one of {', '.join(METRIC_IDS)}")
    return tuple(e for e in CATALOGUE if e.metric == metric_id)


_SERVICE_ORDER = ("adults", "children", "all")
_SERVICE_PLACE = {"adults": "adult social care", "children": "children's social care", "all": "both services"}
_DIRECTION = {m.id: m.direction for m in METRICS}


def _rl(value: float | None) -> str:
    """RL to 2 places, as reports give it; more where 2 places would land on the range's edge (1.25)."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    if text in ("0.80", "1.25"):
        text = f"{value:.4f}".rstrip("0")
    return f" ({text})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def suggest(results: Iterable[Any]) -> list[tuple[str, str, tuple[Entry, ...]]]:
    """For each metric assessed worse for minority ethnic staff in any service: (metric id, where, ideas).

    `results` are objects with `metric`, `service`, `band`, `assessment` and `relative_likelihood` (as
    wres.results.Result). For M1 only the top pay band carries an assessment, so only it can appear. Each
    metric once, in the standard's order; nothing worse gives [].
    """
    worse: dict[str, list[Any]] = {}
    for r in results:
        if r.assessment == WORSE and r.metric in _DIRECTION:
            worse.setdefault(r.metric, []).append(r)
    out: list[tuple[str, str, tuple[Entry, ...]]] = []
    for metric_id in METRIC_IDS:
        if metric_id not in worse:
            continue
        side = "below" if _DIRECTION[metric_id] == "below" else "above"
        hits = sorted(worse[metric_id], key=lambda r: (
            _SERVICE_ORDER.index(r.service) if r.service in _SERVICE_ORDER else len(_SERVICE_ORDER), r.band or ""))
        bands = list(dict.fromkeys(r.band for r in hits if r.band))
        places = []
        for r in hits:
            place = _SERVICE_PLACE.get(r.service, str(r.service))
            if len(bands) > 1 and r.band:  # only where more than one band is worse (not in SC-WRES)
                place = f"{place}, band '{r.band}'"
            places.append(place + _rl(r.relative_likelihood))
        label = f"{metric_id} ({bands[0]})" if len(bands) == 1 else metric_id
        line = f"{label} is {side} the non-adverse range in {_join(places)}"
        out.append((metric_id, line, for_metric(metric_id)))
    return out
