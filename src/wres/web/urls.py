from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import path

from wres.web.sessions import passive
from wres.web.views import accounts, campaigns, core, mapping, national, plan, submit, survey_public

urlpatterns = [
    path("", core.home, name="home"),
    path("accounts/login/", accounts.SignIn.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),  # POST only; deletes the session row
    path("accounts/password/", accounts.PasswordChange.as_view(), name="password-change"),
    path("accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirm.as_view(), name="password-reset-confirm"),
    path("accounts/reset/done/", accounts.password_reset_complete, name="password-reset-complete"),
    # an authority's own pages
    path("dashboard/", core.dashboard, name="dashboard"),
    path("submissions/", core.submissions, name="submissions"),
    path("submissions/<int:pk>/", core.dashboard, name="submission"),
    path("submissions/<int:pk>/report/", core.report_request, name="report-request"),
    path("reports/<int:pk>/status/", passive(core.report_status), name="report-status"),  # polled: not use of the session
    path("reports/<int:pk>/<path:name>", core.report_file, name="report-file"),
    path("submit/", submit.upload, name="upload"),
    path("submit/<uuid:pk>/", submit.upload_result, name="upload-result"),
    path("submit/<uuid:pk>/status/", passive(submit.upload_status), name="upload-status"),  # polled: not use of the session
    path("submit/<uuid:pk>/check/", submit.check_answers, name="check-answers"),
    path("submit/<uuid:pk>/survey/", submit.survey_choice, name="upload-survey-choice"),
    # matching a council's own export to the data contract, and the mapping kept for the authority
    path("submit/<uuid:pk>/map/", mapping.start, name="map-start"),
    path("submit/<uuid:pk>/map/files/", mapping.files, name="map-files"),
    path("submit/<uuid:pk>/map/<slug:file>/columns/", mapping.columns, name="map-columns"),
    path("submit/<uuid:pk>/map/<slug:file>/rows/", mapping.rows, name="map-rows"),
    path("submit/<uuid:pk>/map/<slug:file>/values/", mapping.values, name="map-values"),
    path("submit/<uuid:pk>/map/check/", mapping.check, name="map-check"),
    path("mapping/", mapping.overview, name="mapping"),
    path("mapping/mapping.toml", mapping.download, name="mapping-download"),
    path("mapping/upload/", mapping.upload, name="mapping-upload"),
    path("mapping/delete/", mapping.delete, name="mapping-delete"),
    path("plan/", plan.plan, name="plan"),
    path("plan/new/", plan.action_new, name="action-new"),
    path("plan/<int:pk>/", plan.action_detail, name="action"),
    path("plan/<int:pk>/edit/", plan.action_edit, name="action-edit"),
    path("plan/<int:pk>/update/", plan.action_update, name="action-update"),
    path("plan/<int:pk>/comment/", plan.action_comment, name="action-comment"),
    path("governance/", plan.governance, name="governance"),
    # the staff survey: the analyst's campaigns
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", campaigns.campaign, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/extend/", campaigns.campaign_extend, name="campaign-extend"),
    path("campaigns/<int:pk>/codes/", campaigns.campaign_codes, name="campaign-codes"),
    path("campaigns/<int:pk>/poster/", campaigns.campaign_poster, name="campaign-poster"),
    path("campaigns/<int:pk>/results/", campaigns.campaign_results, name="campaign-results"),
    path("campaigns/<int:pk>/comments/", campaigns.campaign_comments, name="campaign-comments"),
    path("campaigns/<int:pk>/comments/<uuid:comment>/", campaigns.campaign_comment_review, name="campaign-comment-review"),
    # the national programme team's pages
    path("national/", national.tracker, name="national"),
    path("national/report/", national.report, name="national-report"),
    path("national/counts.csv", national.pooled_counts, name="national-counts"),
    # the staff survey as a respondent takes it: public, no account, no cookie (views/survey_public.py)
    path("survey/<str:slug>/", survey_public.start, name="survey-start"),
    path("survey/<str:slug>/privacy/", survey_public.privacy, name="survey-privacy"),
    path("survey/<str:slug>/answer/", survey_public.answer, name="survey-answer"),
    path("survey/<str:slug>/send/", survey_public.send, name="survey-send"),
    path("admin/", admin.site.urls),
]

# Error pages in the service's layout (templates 400/403/404/500.html); a view's BadRequest says what to give.
handler400 = "wres.web.views.core.bad_request"
