"""The SC-WRES nine metrics (ids fixed by the standard; see shared/spec/metrics.md)."""

from __future__ import annotations

from wres.standards import MetricDef, PayBand

NAME = "SC-WRES"

_ABUSE = "respondents reporting at least one experience in the last 12 months"
_ANSWERED = "respondents who answered the question"
_SMALL_ANSWERED = "{group} respondents answered the question"

METRICS: tuple[MetricDef, ...] = (
    MetricDef(
        "M1", "Pay bands", "pay_band", "staff",
        "staff in the pay band", "all staff of the group", "below",
        "to be in the {band} pay band",
        denominator_key="headcount",
        small_numerator="{group} staff were in the '{band}' pay band",
    ),
    MetricDef(
        "M2", "Appointed from shortlisting", "recruitment", "recruitment",
        "shortlisted applicants appointed", "shortlisted applicants", "below",
        "to be appointed from shortlisting",
        subject="applicants",
        small_numerator="{group} applicants were appointed", small_denominator="{group} applicants were shortlisted",
    ),
    MetricDef(
        "M3", "Formal disciplinary process", "staff_event", "disciplinary",
        "distinct staff entering the formal disciplinary process", "staff headcount", "above",
        "to enter the formal disciplinary process",
        denominator_key="headcount",
        small_numerator="{group} staff entered the formal disciplinary process",
    ),
    MetricDef(
        "M4", "Fitness to practise referrals", "staff_event", "fitness_to_practise",
        "distinct registered staff referred to the regulator", "registered professionals in the headcount",
        "above", "to be referred to the regulator for fitness to practise",
        denominator_flag="registered_professional",
        small_numerator="{group} staff were referred to the regulator",
        small_denominator="{group} registered professionals were in the headcount",
    ),
    MetricDef(
        "M5", "Funded training and CPD", "staff_event", "training",
        "distinct staff accessing funded non-mandatory training or CPD", "staff headcount", "below",
        "to access non-mandatory training or CPD funded by the authority",
        denominator_key="headcount",
        small_numerator="{group} staff accessed funded training or CPD",
    ),
    MetricDef(
        "M6", "Abuse from the public", "survey", "survey", _ABUSE, _ANSWERED, "above",
        "to report harassment, bullying or abuse from people who use services, their relatives or the public",
        column="abuse_public",
        small_numerator="{group} respondents reported abuse from the public", small_denominator=_SMALL_ANSWERED,
    ),
    MetricDef(
        "M7a", "Abuse from colleagues", "survey", "survey", _ABUSE, _ANSWERED, "above",
        "to report harassment, bullying or abuse from colleagues",
        column="abuse_colleagues",
        small_numerator="{group} respondents reported abuse from colleagues", small_denominator=_SMALL_ANSWERED,
    ),
    MetricDef(
        "M7b", "Abuse from managers", "survey", "survey", _ABUSE, _ANSWERED, "above",
        "to report harassment, bullying or abuse from managers",
        column="abuse_managers",
        small_numerator="{group} respondents reported abuse from managers", small_denominator=_SMALL_ANSWERED,
    ),
    MetricDef(
        "M8", "Leaving the authority", "staff_event", "leavers",
        "distinct leavers", "staff headcount at the snapshot date", "above",
        "to leave the authority",
        denominator_key="headcount",
        small_numerator="{group} staff left the authority",
    ),
    MetricDef(
        "M9", "Senior manager roles", "staff_flag", "staff",
        "senior managers", "staff headcount", "below",
        "to hold a senior manager role",
        column="senior_manager",
        denominator_key="headcount",
        small_numerator="{group} staff held a senior manager role",
    ),
)

METRIC_IDS: tuple[str, ...] = tuple(m.id for m in METRICS)

DEFAULT_PAY_BANDS: tuple[PayBand, ...] = (
    PayBand("under 30k", 30_000),
    PayBand("30k to 70k", 70_000),
    PayBand("70k and over", None),
)

NON_ADVERSE_RANGE = (0.80, 1.25)
