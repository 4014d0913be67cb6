//! Client pages: my clients, the searchable list, the record, create and edit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::access::course::open_course;
use benk_app::access::open_client;
use benk_app::care::{self, Holder, NewRelationship};
use benk_app::clients::{self, ClientRecord, ClientSummary, ListKind};
use benk_app::situation::{self, optional_text, Situation, SituationInput};
use benk_app::{AppError, FieldError};
use benk_domain::{EntryKind, EpisodeAction, Lang, Period, Purpose, ShortText, SocialTopic};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::{page, Layout};
use crate::ctx::Ctx;
use crate::input::{self, RawClient};
use crate::AppState;

#[derive(Template)]
#[template(path = "clients.html")]
struct ListView {
    layout: Layout,
    title: &'static str,
    intro: &'static str,
    searchable: bool,
    query: String,
    clients: Vec<ClientSummary>,
    /// The keeping-contact words (issue 9).
    at: &'static super::appointments::At,
    lang: Lang,
}

impl ListView {
    fn kind(&self, code: &str) -> &'static str {
        super::appointments::kind_label(self.lang, code)
    }
}

macro_rules! actor_or_redirect {
    ($ctx:expr) => {
        match $ctx.page_actor() {
            Ok(a) => a,
            Err(r) => return r,
        }
    };
}
pub(super) use actor_or_redirect;

pub(super) async fn my_clients(State(st): State<AppState>, ctx: Ctx) -> Response {
    let actor = actor_or_redirect!(ctx);
    match clients::list(&st.app, actor, ListKind::Mine, None).await {
        Ok(clients) => page(&ListView {
            layout: Layout::new(&ctx, "mine"),
            title: ctx.t().nav_my_clients,
            intro: ctx.t().my_clients_intro,
            searchable: false,
            query: String::new(),
            clients,
            at: super::appointments::at(ctx.lang),
            lang: ctx.lang,
        }),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct Search {
    #[serde(default)]
    q: String,
}

pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(s): Query<Search>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    match clients::list(&st.app, actor, ListKind::Visible, Some(&s.q)).await {
        Ok(clients) => page(&ListView {
            layout: Layout::new(&ctx, "clients"),
            title: ctx.t().clients_title,
            intro: ctx.t().clients_intro,
            searchable: true,
            query: s.q,
            clients,
            at: super::appointments::at(ctx.lang),
            lang: ctx.lang,
        }),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientView {
    layout: Layout,
    record: ClientRecord,
    team_staff: Vec<(Uuid, String)>,
    episodes: Vec<benk_app::episodes::Episode>,
    ep: super::intake::EpisodeUi,
    /// The register of grants, past and present.
    grants: Vec<care::CareRelationship>,
    /// The latest end date of access given by hand today (yyyy-mm-dd).
    access_max: String,
    /// Today in Norway (a grant past its last day shows as expired).
    today: NaiveDate,
    /// The reader's grant covers health content (may write and read health notes).
    health_scope: bool,
    /// Ordinary services established or re-established (issue 8); `None` without health scope.
    services: Option<super::services::ServicesUi>,
    /// How to find and reach the person (health fields only under health scope).
    situation: Situation,
    /// The referrals that led to the person's episodes.
    referrals: Vec<benk_app::referrals::ReferralSummary>,
    /// A refused change of the situation, shown again with its errors.
    situation_retry: Option<SituationRetry>,
    /// The outreach log's words.
    ct: &'static super::contacts::Ct,
    /// The timeline page shown (issue 9).
    timeline: benk_app::contacts::Timeline,
    /// Whether this is the first (newest) page of the timeline.
    timeline_top: bool,
    /// The reader's own draft note.
    draft: Option<benk_app::contacts::Draft>,
    /// A refused draft or correction, shown again with its text.
    note_retry: Option<NoteRetry>,
    /// The reader (their own notes can be corrected).
    me: Uuid,
    /// Days since the person was last met.
    days_since_met: Option<i64>,
    /// Beyond the team's threshold for the person's level (keeping contact).
    over_threshold: bool,
    /// The next planned appointment (time, kind code).
    next_appointment: Option<(chrono::DateTime<chrono::Utc>, String)>,
    /// A browser-kept text the server now holds (cleared by the page's script).
    clear_local: Option<String>,
    /// Outcome measures (issue 10), under health scope only.
    measures: Option<super::measures::MeasuresUi>,
    /// Registry events (issue 10): one line with the windows' totals, under health scope only.
    registry: Option<super::registry::RegistryLine>,
    /// "Plan og mål" (issue 10): that a plan exists and its dates.
    plan_section: super::plans::PlansSection,
}

/// A refused note (the draft, or a correction of an entry): the text typed and the error.
pub(super) struct NoteRetry {
    target: String,
    text: String,
    error: String,
}

impl NoteRetry {
    /// For the draft (`target` = `draft`) or a correction (`target` = the entry's id).
    pub(super) fn new(target: &str, text: String, error: &str) -> NoteRetry {
        NoteRetry {
            target: target.to_string(),
            text,
            error: error.to_string(),
        }
    }
}

/// What else the client page shows: the timeline position and a refused note.
#[derive(Default)]
pub(super) struct PageExtra {
    before: Option<benk_app::store::contacts::Before>,
    note_retry: Option<NoteRetry>,
    clear_local: Option<String>,
}

/// A refused change of the person's situation: the typed values and the errors.
pub(super) struct SituationRetry {
    values: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl ClientView {
    /// The appointment words (issue 9) in the page's language.
    fn at(&self) -> &'static super::appointments::At {
        super::appointments::at(Lang::from_tag(self.layout.lang).unwrap_or_default())
    }
    /// The situation form's fields: (name, label, value, error); the health fields only
    /// under health scope.
    fn situation_fields(&self) -> Vec<(&'static str, &'static str, String, Option<String>)> {
        let t = self.layout.t;
        let s = &self.situation;
        let mut f = vec![
            (
                "whereabouts",
                t.situation_whereabouts,
                s.whereabouts.clone(),
            ),
            (
                "housing_situation",
                t.situation_housing,
                s.housing_situation.clone(),
            ),
            (
                "referrer_contact",
                t.situation_referrer,
                s.referrer_contact.clone(),
            ),
        ];
        if self.health_scope {
            f.push((
                "referral_reason",
                t.situation_reason,
                s.referral_reason.clone(),
            ));
            f.push((
                "current_helpers",
                t.situation_helpers,
                s.current_helpers.clone(),
            ));
        }
        f.into_iter()
            .map(|(name, label, v)| {
                let retry = self.situation_retry.as_ref();
                let value = retry
                    .and_then(|r| r.values.iter().find(|(k, _)| k == name))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| v.unwrap_or_default());
                let error = retry
                    .and_then(|r| r.errors.iter().find(|(k, _)| k == name))
                    .map(|(_, e)| e.clone());
                (name, label, value, error)
            })
            .collect()
    }
    fn profession(&self, code: &str) -> &'static str {
        self.layout.profession(code)
    }
    /// The label of an entry kind.
    fn entry_kind(&self, code: &str) -> &'static str {
        EntryKind::from_code(code)
            .map(|k| k.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// The label of a social-note topic.
    fn topic(&self, code: &str) -> &'static str {
        SocialTopic::from_code(code)
            .map(|t| t.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// A grant that was not ended early but is past its last day.
    fn expired(&self, g: &care::CareRelationship) -> bool {
        g.ended_at.is_none() && g.valid_to.is_some_and(|to| to < self.today)
    }
    /// The refused note for a target (`draft` or an entry id), if any.
    fn note_retry_for(&self, target: &str) -> Option<&NoteRetry> {
        self.note_retry.as_ref().filter(|r| r.target == target)
    }
    /// The draft's text: a refused text, else the stored draft.
    fn draft_text(&self) -> String {
        if let Some(r) = self.note_retry_for("draft") {
            return r.text.clone();
        }
        self.draft
            .as_ref()
            .map(|d| d.body.clone())
            .unwrap_or_default()
    }
    /// A contact kind's label.
    fn contact_kind(&self, code: &str) -> &'static str {
        benk_domain::ContactKind::from_code(code)
            .map(|k| k.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// A contact topic's label.
    fn contact_topic(&self, code: &str) -> &'static str {
        benk_domain::ContactTopic::from_code(code)
            .map(|k| k.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// An intake outcome's label.
    fn outcome(&self, code: &str) -> &'static str {
        benk_domain::DecisionOutcome::from_code(code)
            .map(|k| k.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// An agency kind's label.
    fn agency(&self, code: &str) -> &'static str {
        benk_domain::AgencyKind::from_code(code)
            .map(|k| k.label(self.layout.lang_v))
            .unwrap_or("–")
    }
    /// The open episode (the summary column's level and coordinator pair).
    fn open_episode(&self) -> Option<&benk_app::episodes::Episode> {
        self.episodes.iter().find(|e| e.closed_on.is_none())
    }
    /// The coordinator pair of the open episode: (name, employer).
    fn pair(&self) -> Vec<(String, String)> {
        self.open_episode()
            .map(|e| {
                e.members
                    .iter()
                    .filter(|m| m.role.contains("coordinator"))
                    .map(|m| (m.name.clone(), m.org_name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The id in a page's path; anything else is a 404 page.
pub(super) fn parse_id(ctx: &Ctx, id: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(id).map_err(|_| ctx.page_err(AppError::NotFound))
}

/// A status message code after an episode change (`?msg=level_saved`), and warning codes.
#[derive(Deserialize, Default)]
pub(super) struct ClientMsg {
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    warn: Option<String>,
    /// The timeline's position (`next` of the previous page).
    #[serde(default)]
    before: Option<String>,
}

pub(super) async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ClientMsg>,
) -> Response {
    actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let mut ep = super::intake::EpisodeUi::new(ctx.lang);
    ep.notices = super::intake::warnings(ctx.lang, q.warn.as_deref());
    ep.flash = q
        .msg
        .as_deref()
        .and_then(|m| super::intake::flash(super::intake::texts(ctx.lang), m));
    let contact_flash = q
        .msg
        .as_deref()
        .and_then(|m| super::contacts::flash(ctx.lang, m));
    let before = match q.before.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => match benk_app::contacts::parse_cursor(b) {
            Ok(b) => Some(b),
            Err(e) => return ctx.page_err(AppError::field(e)),
        },
        None => None,
    };
    let clear_local = match q.msg.as_deref() {
        Some("note_signed") => Some(format!("benk-draft-{id}")),
        // The contact form's note is the same draft as the page's (one per author and person).
        Some("contact_saved") => Some(format!("benk-draft-{id}")),
        _ => None,
    };
    let extra = PageExtra {
        before,
        note_retry: None,
        clear_local,
    };
    client_page_full(
        &st,
        &ctx,
        id,
        ep,
        None,
        extra,
        contact_flash,
        axum::http::StatusCode::OK,
    )
    .await
}

/// The client page with a refused draft or correction shown again (422).
pub(super) async fn client_page_with_note(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    retry: NoteRetry,
) -> Response {
    let extra = PageExtra {
        before: None,
        note_retry: Some(retry),
        clear_local: None,
    };
    client_page_full(
        st,
        ctx,
        id,
        super::intake::EpisodeUi::new(ctx.lang),
        None,
        extra,
        None,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The client page, with the episode section in a given state (a form shown
/// again with its errors, or warnings), answered with `status`.
pub(super) async fn client_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    ep: super::intake::EpisodeUi,
    status: axum::http::StatusCode,
) -> Response {
    client_page_full(st, ctx, id, ep, None, PageExtra::default(), None, status).await
}

/// The client page, with any refused form shown again.
#[allow(clippy::too_many_arguments)]
async fn client_page_full(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    mut ep: super::intake::EpisodeUi,
    situation_retry: Option<SituationRetry>,
    extra: PageExtra,
    flash: Option<String>,
    status: axum::http::StatusCode,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        let record = clients::record(&st.app, actor, &grant).await?;
        let team_staff = benk_app::staff::team_staff(&st.app, grant.team_id()).await?;
        let episodes = benk_app::episodes::for_client(&st.app, actor, &grant).await?;
        ep.target = episodes
            .iter()
            .find(|e| e.closed_on.is_none())
            .map(|e| e.id);
        let grants = care::list_for_client(&st.app, actor, &grant).await?;
        let situation = situation::get(&st.app, actor, &grant).await?;
        let referrals = benk_app::referrals::for_client(&st.app, actor, &grant).await?;
        // Last-met is read once, with the rest of the contact state below.
        let timeline =
            benk_app::contacts::timeline_for_page(&st.app, actor, &grant, extra.before, 20).await?;
        let draft = benk_app::contacts::draft(&st.app, actor, &grant).await?;
        // Covered by the record read's audit row: the same person, already opened.
        let (keeping, next_appointment) =
            benk_app::keeping::for_list(&st.app, &[grant.client_id()])
                .await?
                .remove(&grant.client_id())
                .map(|(k, n)| (Some(k), n))
                .unwrap_or((None, None));
        let mut layout = Layout::new(ctx, "clients");
        layout.flash = flash;
        let services = super::services::ui(st, actor, &grant, &layout).await?;
        let measures = if grant.covers_health() {
            let ms = benk_app::measures::list(&st.app, actor, &grant).await?;
            Some(super::measures::ui(
                &ms,
                &layout,
                ctx.lang,
                id,
                actor.staff_id(),
            ))
        } else {
            None
        };
        let registry = if grant.covers_health() {
            let ev = benk_app::registry::list(&st.app, actor, &grant).await?;
            Some(super::registry::line(&ev, ctx.lang, id))
        } else {
            None
        };
        let plan_section = super::plans::section(st, actor, &grant, layout.lang_v).await?;
        Ok::<_, AppError>(ClientView {
            layout,
            record,
            team_staff,
            episodes,
            ep,
            grants,
            today: benk_app::access::today(),
            access_max: care::default_end(benk_app::access::today())
                .format("%Y-%m-%d")
                .to_string(),
            health_scope: grant.covers_health(),
            situation,
            referrals,
            situation_retry,
            services,
            ct: super::contacts::ct(ctx.lang),
            days_since_met: keeping
                .as_ref()
                .filter(|k| !k.never_met)
                .and_then(|k| k.days_since_met),
            over_threshold: keeping.as_ref().is_some_and(|k| k.over_threshold),
            next_appointment,
            timeline,
            timeline_top: extra.before.is_none(),
            draft,
            note_retry: extra.note_retry,
            me: actor.staff_id(),
            clear_local: extra.clear_local,
            measures,
            registry,
            plan_section,
        })
    }
    .await;
    match result {
        Ok(view) => (status, page(&view)).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

struct FormField {
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    error: Option<String>,
    required: bool,
    inputmode: &'static str,
}

#[derive(Template)]
#[template(path = "client_form.html")]
struct FormView {
    layout: Layout,
    title: &'static str,
    action: String,
    cancel: String,
    fields: Vec<FormField>,
    errors: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
pub(super) struct ClientForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    national_id: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    municipality: String,
}

impl ClientForm {
    fn raw(&self) -> RawClient {
        RawClient {
            name: self.name.clone(),
            national_id: Some(self.national_id.clone()),
            birth_year: Some(serde_json::Value::String(self.birth_year.clone())),
            phone: Some(self.phone.clone()),
            municipality: Some(self.municipality.clone()),
        }
    }
}

fn form_view(
    ctx: &Ctx,
    title: &'static str,
    action: String,
    cancel: String,
    form: &ClientForm,
    errs: &[FieldError],
) -> FormView {
    let t = ctx.t();
    let lang: Lang = ctx.lang;
    let err = |name: &str| {
        let msgs: Vec<&str> = errs
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.get(lang))
            .collect();
        (!msgs.is_empty()).then(|| msgs.join(" "))
    };
    let field = |name: &'static str,
                 label: &'static str,
                 hint: Option<&'static str>,
                 value: &str,
                 required: bool,
                 inputmode: &'static str| FormField {
        name,
        label,
        hint,
        value: value.to_string(),
        error: err(name),
        required,
        inputmode,
    };
    let fields = vec![
        field("name", t.name, None, &form.name, true, "text"),
        field(
            "national_id",
            t.national_id,
            Some(t.national_id_hint),
            &form.national_id,
            false,
            "numeric",
        ),
        field(
            "birth_year",
            t.birth_year,
            None,
            &form.birth_year,
            false,
            "numeric",
        ),
        field("phone", t.phone, None, &form.phone, false, "tel"),
        field(
            "municipality",
            t.municipality,
            None,
            &form.municipality,
            false,
            "text",
        ),
    ];
    let errors = fields
        .iter()
        .filter_map(|f| {
            f.error
                .clone()
                .map(|e| (f.name, format!("{}: {e}", f.label)))
        })
        .collect();
    FormView {
        layout: Layout::new(ctx, "clients"),
        title,
        action,
        cancel,
        fields,
        errors,
    }
}

fn invalid(view: FormView) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page(&view)).into_response()
}

pub(super) async fn new_form(ctx: Ctx) -> Response {
    actor_or_redirect!(ctx);
    page(&form_view(
        &ctx,
        ctx.t().new_client,
        "/clients/new".into(),
        "/clients".into(),
        &ClientForm::default(),
        &[],
    ))
}

pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ClientForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let title = ctx.t().new_client;
    let Some(team) = actor.acting().map(|m| m.team_id) else {
        return ctx.page_err(AppError::Forbidden(benk_app::Text::new(
            "Du er ikke med i noe team.",
            "You are not in a team.",
        )));
    };
    let result = match input::client(&form.raw(), st.app.settings.allow_synthetic_ids) {
        Ok(parsed) => clients::create(&st.app, actor, team, Uuid::now_v7(), parsed, vec![]).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/clients/{id}")).into_response(),
        Err(AppError::Invalid(errs)) => invalid(form_view(
            &ctx,
            title,
            "/clients/new".into(),
            "/clients".into(),
            &form,
            &errs,
        )),
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let client = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        clients::basic(&st.app, actor, &grant).await
    }
    .await;
    match client {
        Ok(c) => {
            let form = ClientForm {
                _csrf: String::new(),
                name: c.name,
                national_id: c.national_id.unwrap_or_default(),
                birth_year: c.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                municipality: c.municipality.unwrap_or_default(),
            };
            page(&form_view(
                &ctx,
                ctx.t().edit,
                format!("/clients/{id}/edit"),
                format!("/clients/{id}"),
                &form,
                &[],
            ))
        }
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ClientForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        let parsed = input::client(&form.raw(), st.app.settings.allow_synthetic_ids)?;
        clients::update(&st.app, actor, &grant, parsed).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/clients/{id}")).into_response(),
        Err(AppError::Invalid(errs)) => invalid(form_view(
            &ctx,
            ctx.t().edit,
            format!("/clients/{id}/edit"),
            format!("/clients/{id}"),
            &form,
            &errs,
        )),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct CareForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    valid_to: String,
}

pub(super) async fn add_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CareForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let result = async {
        let grant = open_course(
            &st.app,
            actor,
            id,
            EpisodeAction::GiveAccess,
            "care_relationship.create",
        )
        .await?;
        let staff = Uuid::parse_str(form.staff_id.trim()).map_err(|_| {
            AppError::field(FieldError::new(
                "staff_id",
                "invalid",
                "Velg en medarbeider.",
                "Choose a staff member.",
            ))
        })?;
        let reason = ShortText::parse(&form.reason)
            .map_err(|e| AppError::field(FieldError::of("reason", &e)))?;
        let from = benk_app::access::today();
        let to = match form.valid_to.trim() {
            "" => care::default_end(from),
            t => NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                AppError::field(FieldError::new(
                    "valid_to",
                    "invalid_date",
                    "Sluttdatoen må være en dato (åååå-mm-dd).",
                    "The end date must be a date (yyyy-mm-dd).",
                ))
            })?,
        };
        let period = Period::new(from, Some(to))
            .map_err(|e| AppError::field(FieldError::of("valid_to", &e)))?;
        let new = NewRelationship {
            holder: Holder::Staff(staff),
            period,
            reason,
        };
        care::create(&st.app, actor, &grant, new).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/clients/{id}#care-h")).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

pub(super) async fn end_care(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    Form(form): Form<super::auth::CsrfForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(form.csrf()) {
        return r;
    }
    let (Ok(id), Ok(rid)) = (Uuid::parse_str(&id), Uuid::parse_str(&rid)) else {
        return ctx.page_err(AppError::NotFound);
    };
    let result = async {
        let grant = open_course(
            &st.app,
            actor,
            id,
            EpisodeAction::GiveAccess,
            "care_relationship.end",
        )
        .await?;
        care::end(&st.app, actor, &grant, rid).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/clients/{id}#care-h")).into_response(),
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct SituationForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    whereabouts: String,
    #[serde(default)]
    housing_situation: String,
    #[serde(default)]
    referrer_contact: String,
    /// Sent only by the health-scope form.
    referral_reason: Option<String>,
    /// Sent only by the health-scope form.
    current_helpers: Option<String>,
}

/// POST `/clients/{id}/situation`: the care team changes how to find and reach the person.
pub(super) async fn set_situation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<SituationForm>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    if let Err(r) = ctx.check_csrf(&form._csrf) {
        return r;
    }
    let id = match parse_id(&ctx, &id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let mut one = |field: &str, v: &str| match optional_text(field, v) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let input = SituationInput {
        whereabouts: one("whereabouts", &form.whereabouts),
        housing_situation: one("housing_situation", &form.housing_situation),
        referrer_contact: one("referrer_contact", &form.referrer_contact),
        referral_reason: form
            .referral_reason
            .as_deref()
            .map(|v| one("referral_reason", v)),
        current_helpers: form
            .current_helpers
            .as_deref()
            .map(|v| one("current_helpers", v)),
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        situation::update(&st.app, actor, &grant, input).await
    }
    .await;
    match result {
        Ok(()) => {
            Redirect::to(&format!("/clients/{id}?msg=situation_saved#situation-h")).into_response()
        }
        Err(AppError::Invalid(errs)) => {
            let values = vec![
                ("whereabouts".to_string(), form.whereabouts),
                ("housing_situation".to_string(), form.housing_situation),
                ("referrer_contact".to_string(), form.referrer_contact),
                (
                    "referral_reason".to_string(),
                    form.referral_reason.unwrap_or_default(),
                ),
                (
                    "current_helpers".to_string(),
                    form.current_helpers.unwrap_or_default(),
                ),
            ];
            let errors = errs
                .iter()
                .map(|e| (e.field.clone(), e.message.get(ctx.lang).to_string()))
                .collect();
            client_page_full(
                &st,
                &ctx,
                id,
                super::intake::EpisodeUi::new(ctx.lang),
                Some(SituationRetry { values, errors }),
                PageExtra::default(),
                None,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => ctx.page_err(e),
    }
}

#[derive(Template)]
#[template(path = "client_referral.html")]
struct ClientReferralView {
    layout: Layout,
    client_id: Uuid,
    r: benk_app::referrals::Referral,
    health: Option<benk_app::referrals::ReferralHealth>,
}

/// GET `/clients/{id}/referrals/{rid}`: a referral that led to the person's episode, for
/// the care team (through the client grant; health content under health scope only).
pub(super) async fn referral(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let (id, rid) = match (parse_id(&ctx, &id), parse_id(&ctx, &rid)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let result = async {
        let grant = open_client(&st.app, actor, id, Purpose::Treat).await?;
        benk_app::referrals::get_for_care_team(&st.app, actor, &grant, rid).await
    }
    .await;
    match result {
        Ok((r, health)) => page(&ClientReferralView {
            layout: Layout::new(&ctx, "clients"),
            client_id: id,
            r,
            health,
        }),
        Err(e) => ctx.page_err(e),
    }
}
