//! The person's course in the team on the client page: what the episode
//! section needs to render, and the POST routes that change an episode. On a
//! validation error the client page is shown again with the error in the form
//! that caused it (kept open); after success the browser goes back to the
//! episode with a short status code in the query string.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use benk_app::episodes::{self, Episode, Member, RgMemberInput};
use benk_app::{care, AppError, FieldError, Text};
use benk_domain::{
    CloseReason, EpisodeRole, Lang, LevelOfEffort, LongText, Phone, RgMemberKind, ShortText,
};
use uuid::Uuid;

use super::form::{cap, choices, iso, parse_date, Errs, Fd, FormState};
use super::texts::{it, It};
use crate::ctx::Ctx;
use crate::html::clients::{actor_or_redirect, parse_id};
use crate::AppState;

/// Everything the episode section of the client page needs besides the episodes.
pub(crate) struct EpisodeUi {
    pub it: &'static It,
    /// Warnings to show with the episode (e.g. a coordinator pair from one employer).
    pub notices: Vec<String>,
    /// The status message after a change.
    pub flash: Option<String>,
    /// The episode the messages belong to (the open one), so they show where the browser lands.
    pub target: Option<Uuid>,
    form: Option<(Uuid, &'static str, FormState)>,
    pub levels: Vec<(String, &'static str, &'static str)>,
    pub roles: Vec<(&'static str, String)>,
    pub rg_kinds: Vec<(&'static str, String)>,
    pub close_reasons: Vec<(&'static str, String)>,
    /// Level 2: what the team adds (code, label).
    pub competences: Vec<(&'static str, &'static str)>,
    /// The level-2 and level-3 texts.
    pub g: &'static super::guidance::Gt,
    lang: Lang,
    today: String,
}

impl EpisodeUi {
    /// The section with no form open.
    pub fn new(lang: Lang) -> EpisodeUi {
        EpisodeUi {
            it: it(lang),
            notices: vec![],
            flash: None,
            target: None,
            form: None,
            levels: LevelOfEffort::ALL
                .iter()
                .map(|l| (l.number().to_string(), l.label(lang), l.description(lang)))
                .collect(),
            roles: choices(
                EpisodeRole::ALL,
                EpisodeRole::code,
                EpisodeRole::label,
                lang,
            ),
            competences: benk_domain::Competence::ALL
                .iter()
                .map(|c| (c.code(), c.label(lang)))
                .collect(),
            g: super::guidance::gt(lang),
            rg_kinds: choices(
                RgMemberKind::ALL,
                RgMemberKind::code,
                RgMemberKind::label,
                lang,
            ),
            close_reasons: choices(
                CloseReason::ALL,
                CloseReason::code,
                CloseReason::label,
                lang,
            ),
            lang,
            today: iso(benk_app::time::oslo_today()),
        }
    }

    /// The section with one form shown again, open, with its values and errors.
    pub fn with_form(
        mut self,
        episode: Uuid,
        kind: &'static str,
        data: Fd,
        errors: Vec<FieldError>,
    ) -> EpisodeUi {
        let t = self.it;
        let labels = vec![
            ("level", t.new_level),
            ("from_date", t.from_date),
            ("reason", t.level_reason),
            ("staff_id", t.staff_member),
            ("role", t.episode_role),
            ("kind", t.rg_kind),
            ("name", t.rg_name),
            ("rg_role", t.rg_role),
            ("organisation", t.rg_organisation),
            ("phone", t.rg_phone),
            ("email", t.rg_email),
            ("consent_recorded", t.rg_consent),
            ("closed_on", t.closed_on),
            ("close_reason", t.close_reason),
            ("note", t.close_note),
            ("form", ""),
        ];
        self.form = Some((
            episode,
            kind,
            FormState::new(self.lang, data, errors, labels, vec![]),
        ));
        self
    }

    fn state(&self, e: &Uuid, kind: &str) -> Option<&FormState> {
        match &self.form {
            Some((id, k, f)) if id == e && *k == kind => Some(f),
            _ => None,
        }
    }

    /// Whether the messages show inside this episode.
    pub fn is_target(&self, e: &Uuid) -> bool {
        self.target.as_ref() == Some(e)
    }

    /// Whether this form is shown again (its `<details>` starts open).
    pub fn is_open(&self, e: &Uuid, kind: &str) -> bool {
        self.state(e, kind).is_some()
    }

    /// A field's value: what was typed, or the default.
    /// What an open episode lacks for its level, as (what, what to do).
    pub fn missing(&self, codes: &[String]) -> Vec<(&'static str, &'static str)> {
        codes
            .iter()
            .filter_map(|c| benk_domain::LevelRequirement::from_code(c))
            .map(|m| {
                let hint = match m {
                    benk_domain::LevelRequirement::CoordinatorPair => self.g.missing_pair_hint,
                    benk_domain::LevelRequirement::OrdinaryService => self.g.missing_service_hint,
                };
                (m.label(self.lang), hint)
            })
            .collect()
    }

    /// The label of a competence code.
    pub fn competence_label(&self, code: &Option<String>) -> &'static str {
        code.as_deref()
            .and_then(benk_domain::Competence::from_code)
            .map(|c| c.label(self.lang))
            .unwrap_or("")
    }

    pub fn val(&self, e: &Uuid, kind: &str, name: &str) -> String {
        match self.state(e, kind) {
            Some(f) => f.val(name).to_string(),
            None if name == "from_date" || name == "closed_on" => self.today.clone(),
            None => String::new(),
        }
    }

    /// Whether a radio or checkbox was chosen.
    pub fn checked(&self, e: &Uuid, kind: &str, name: &str, value: &str) -> bool {
        self.state(e, kind).is_some_and(|f| f.checked(name, value))
    }

    /// A field's error.
    pub fn err(&self, e: &Uuid, kind: &str, name: &str) -> Option<String> {
        self.state(e, kind).and_then(|f| f.err(name))
    }

    /// Whether a field has an error.
    pub fn invalid(&self, e: &Uuid, kind: &str, name: &str) -> bool {
        self.state(e, kind).is_some_and(|f| f.invalid(name))
    }

    /// The form's error summary, linking to the fields' ids (`{kind}-{episode}-{field}`).
    pub fn summary(&self, e: &Uuid, kind: &str) -> Vec<(String, String)> {
        self.state(e, kind)
            .map(|f| {
                f.summary()
                    .into_iter()
                    .map(|(field, msg)| {
                        let anchor = match field.as_str() {
                            "level" => format!("{kind}-{e}-level-1"),
                            "form" => format!("{kind}-{e}-form"),
                            other => format!("{kind}-{e}-{other}"),
                        };
                        (anchor, msg)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// "1 – Inn i teamet".
    pub fn level_label(&self, n: &i64) -> &'static str {
        LevelOfEffort::from_number(*n)
            .map(|l| l.label(self.lang))
            .unwrap_or("–")
    }

    /// A responsibility-group member's kind label.
    pub fn rg_kind_label(&self, code: &str) -> String {
        RgMemberKind::from_code(code)
            .map(|r| cap(r.label(self.lang)))
            .unwrap_or_default()
    }

    /// Why the episode was closed.
    pub fn close_reason_label(&self, code: &Option<String>) -> String {
        code.as_deref()
            .and_then(CloseReason::from_code)
            .map(|r| cap(r.label(self.lang)))
            .unwrap_or_default()
    }

    /// The two coordinator roles with their labels.
    pub fn coordinator_roles(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("municipal_coordinator", self.it.municipal_coordinator),
            ("specialist_coordinator", self.it.specialist_coordinator),
        ]
    }

    /// The text fields of the responsibility-group form: (name, label, input type, optional).
    pub fn rg_fields(&self) -> Vec<(&'static str, &'static str, &'static str, bool)> {
        let t = self.it;
        vec![
            ("name", t.rg_name, "text", false),
            ("rg_role", t.rg_role, "text", true),
            ("organisation", t.rg_organisation, "text", true),
            ("phone", t.rg_phone, "tel", true),
            ("email", t.rg_email, "email", true),
        ]
    }

    /// Forms without fields (buttons in lists) whose errors show above the forms.
    pub fn button_forms(&self) -> Vec<&'static str> {
        vec!["leave", "rg_remove"]
    }

    /// The current holder of a coordinator role.
    pub fn coordinator<'a>(&self, e: &'a Episode, role: &str) -> Option<&'a Member> {
        e.members.iter().find(|m| m.role == role)
    }

    /// Members who are not coordinators.
    pub fn others<'a>(&self, e: &'a Episode) -> Vec<&'a Member> {
        e.members
            .iter()
            .filter(|m| m.role == EpisodeRole::Member.code())
            .collect()
    }
}

/// The codes of the coordinator-pair warnings, so they can travel in a redirect.
pub(crate) fn warning_code(w: &Text) -> Option<&'static str> {
    use benk_domain::{PairWarning, Side};
    [
        (PairWarning::SameEmployer, "same_employer"),
        (
            PairWarning::SameSide {
                side: Side::Municipal,
            },
            "same_side_municipal",
        ),
        (
            PairWarning::SameSide {
                side: Side::Specialist,
            },
            "same_side_specialist",
        ),
        (PairWarning::RolesSwapped, "roles_swapped"),
    ]
    .into_iter()
    .find(|(p, _)| Text::of(p) == *w)
    .map(|(_, c)| c)
}

/// Warning texts from their codes (unknown codes are ignored).
pub(crate) fn warnings(lang: Lang, codes: Option<&str>) -> Vec<String> {
    use benk_domain::{Localized, PairWarning, Side};
    codes
        .unwrap_or_default()
        .split(',')
        .filter_map(|c| match c {
            "same_employer" => Some(PairWarning::SameEmployer),
            "same_side_municipal" => Some(PairWarning::SameSide {
                side: Side::Municipal,
            }),
            "same_side_specialist" => Some(PairWarning::SameSide {
                side: Side::Specialist,
            }),
            "roles_swapped" => Some(PairWarning::RolesSwapped),
            _ => None,
        })
        .map(|w| w.message(lang))
        .collect()
}

// --- Handlers ---------------------------------------------------------------

/// After a change: back to the episode, or (if the actor's access just ended) to the start page.
async fn done(
    st: &AppState,
    ctx: &Ctx,
    episode: Uuid,
    client: Uuid,
    kind: &'static str,
    fd: Fd,
    result: Result<(&'static str, Vec<Text>), AppError>,
) -> Response {
    let Some(actor) = ctx.actor.as_ref() else {
        return Redirect::to("/login").into_response();
    };
    match result {
        Ok((msg, warnings)) => {
            match care::has_active_relationship(&st.app, actor, client).await {
                Ok(true) => {}
                Ok(false) => return Redirect::to("/").into_response(),
                Err(e) => return ctx.page_err(e),
            }
            let codes: Vec<&str> = warnings.iter().filter_map(warning_code).collect();
            let warn = if codes.is_empty() {
                String::new()
            } else {
                format!("&warn={}", codes.join(","))
            };
            Redirect::to(&format!(
                "/clients/{client}?msg={msg}{warn}#episode-{episode}"
            ))
            .into_response()
        }
        Err(AppError::Invalid(errs)) => {
            let ui = EpisodeUi::new(ctx.lang).with_form(episode, kind, fd, errs);
            crate::html::clients::client_page(st, ctx, client, ui, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        Err(AppError::Conflict(t)) => {
            let errs = vec![FieldError {
                field: "form".into(),
                code: "conflict".into(),
                message: t,
            }];
            let ui = EpisodeUi::new(ctx.lang).with_form(episode, kind, fd, errs);
            crate::html::clients::client_page(st, ctx, client, ui, StatusCode::CONFLICT).await
        }
        Err(e) => ctx.page_err(e),
    }
}

/// Checks the CSRF token and finds the episode's client.
async fn start(st: &AppState, ctx: &Ctx, id: &str, fd: &Fd) -> Result<(Uuid, Uuid), Response> {
    ctx.check_csrf(fd.get("_csrf"))?;
    let episode = parse_id(ctx, id)?;
    let client = episodes::client_of(&st.app, episode)
        .await
        .map_err(|e| ctx.page_err(e))?;
    Ok((episode, client))
}

/// POST `/episodes/{id}/level`.
pub(crate) async fn change_level(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut e = Errs::default();
    let level = e.ok(fd
        .get("level")
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(LevelOfEffort::from_number)
        .ok_or_else(|| {
            FieldError::new(
                "level",
                "choice_required",
                "Velg innsatsnivå 1, 2 eller 3.",
                "Choose level 1, 2 or 3.",
            )
        }));
    let from = e.ok(parse_date("from_date", fd.get("from_date")));
    let reason = e
        .ok(ShortText::parse_optional(fd.get("reason"))
            .map_err(|err| FieldError::of("reason", &err)))
        .flatten();
    // Levels 2 and 3 name the ordinary service (the one keeping the responsibility, or advised).
    let ordinary =
        match super::guidance::parse_ordinary(&super::guidance::RawOrdinary::from_form(&fd)) {
            Ok(o) => o,
            Err(errs) => {
                e.0.extend(errs);
                None
            }
        };
    let result = match (level, from) {
        (Some(level), Some(from)) if e.0.is_empty() => {
            let shared = !fd.get("reason_shared").trim().is_empty();
            episodes::change_level(
                &st.app,
                actor,
                episode,
                level,
                from,
                reason.as_ref(),
                shared,
                ordinary.as_ref(),
            )
            .await
            .map(|()| ("level_saved", vec![]))
        }
        _ => Err(AppError::Invalid(e.0)),
    };
    done(&st, &ctx, episode, client, "level", fd, result).await
}

/// POST `/episodes/{id}/members`.
pub(crate) async fn add_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut e = Errs::default();
    let staff = e.ok(Uuid::parse_str(fd.get("staff_id").trim()).map_err(|_| {
        FieldError::new(
            "staff_id",
            "choice_required",
            "Velg en medarbeider.",
            "Choose a staff member.",
        )
    }));
    let role = e.ok(EpisodeRole::from_code(fd.get("role")).ok_or_else(|| {
        FieldError::new(
            "role",
            "choice_required",
            "Velg en rolle.",
            "Choose a role.",
        )
    }));
    let reason = e.ok(
        benk_domain::ShortText::parse_optional(fd.get("override_reason"))
            .map_err(|x| FieldError::of("override_reason", &x)),
    );
    let result = match (staff, role, reason) {
        (Some(staff), Some(role), Some(reason)) => {
            episodes::add_member(&st.app, actor, episode, staff, role, reason)
                .await
                .map(|w| ("member_added", w))
        }
        _ => Err(AppError::Invalid(e.0)),
    };
    done(&st, &ctx, episode, client, "member", fd, result).await
}

/// POST `/episodes/{id}/members/{mid}/leave`.
pub(crate) async fn leave(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let member = match parse_id(&ctx, &mid) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let result = episodes::leave(&st.app, actor, episode, member)
        .await
        .map(|()| ("member_left", vec![]));
    done(&st, &ctx, episode, client, "leave", fd, result).await
}

/// POST `/episodes/{id}/rg`.
pub(crate) async fn add_rg(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut e = Errs::default();
    let kind = e.ok(RgMemberKind::from_code(fd.get("kind")).ok_or_else(|| {
        FieldError::new(
            "kind",
            "choice_required",
            "Velg hva slags medlem det er.",
            "Choose what kind of member it is.",
        )
    }));
    let name =
        e.ok(ShortText::parse_name(fd.get("name")).map_err(|err| FieldError::of("name", &err)));
    let organisation = e
        .ok(ShortText::parse_name_optional(fd.get("organisation"))
            .map_err(|err| FieldError::of("organisation", &err)))
        .flatten();
    let mut short = |k: &str| {
        e.ok(ShortText::parse_optional(fd.get(k)).map_err(|err| FieldError::of(k, &err)))
            .flatten()
    };
    let role = short("rg_role");
    let email = short("email");
    let phone = if fd.blank("phone") {
        None
    } else {
        e.ok(Phone::parse(fd.get("phone")).map_err(|err| FieldError::of("phone", &err)))
    };
    let consent = fd.has("consent_recorded", "yes");
    let result = match (kind, name) {
        (Some(kind), Some(name)) if e.0.is_empty() => episodes::add_rg_member(
            &st.app,
            actor,
            episode,
            RgMemberInput {
                kind,
                name,
                role,
                organisation,
                phone,
                email,
                consent_recorded: consent,
            },
        )
        .await
        .map(|_| ("rg_added", vec![])),
        _ => Err(AppError::Invalid(e.0)),
    };
    done(&st, &ctx, episode, client, "rg", fd, result).await
}

/// POST `/episodes/{id}/rg/{mid}/remove`.
pub(crate) async fn remove_rg(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let member = match parse_id(&ctx, &mid) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let result = episodes::remove_rg_member(&st.app, actor, episode, member)
        .await
        .map(|()| ("rg_removed", vec![]));
    done(&st, &ctx, episode, client, "rg_remove", fd, result).await
}

/// POST `/episodes/{id}/close`.
pub(crate) async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let actor = actor_or_redirect!(ctx);
    let fd = Fd(f);
    let (episode, client) = match start(&st, &ctx, &id, &fd).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut e = Errs::default();
    let closed_on = e.ok(parse_date("closed_on", fd.get("closed_on")));
    let reason = e.ok(
        CloseReason::from_code(fd.get("close_reason")).ok_or_else(|| {
            FieldError::new(
                "close_reason",
                "choice_required",
                "Velg hvorfor forløpet avsluttes.",
                "Choose why the episode ends.",
            )
        }),
    );
    let note = e
        .ok(LongText::parse_optional(fd.get("note")).map_err(|err| FieldError::of("note", &err)))
        .flatten();
    let result = match (closed_on, reason) {
        (Some(d), Some(r)) if e.0.is_empty() => {
            episodes::close(&st.app, actor, episode, d, r, note.as_ref())
                .await
                .map(|()| ("episode_closed", vec![]))
        }
        _ => Err(AppError::Invalid(e.0)),
    };
    done(&st, &ctx, episode, client, "close", fd, result).await
}
