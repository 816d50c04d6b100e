//! Deciding which backend a command talks to: `--api`, `--profile`, the
//! config's default profile, or, with nothing configured, an embedded
//! server on loopback with a database in the XDG data dir.

use sha2::{Digest, Sha256};

use super::outcome::{CliError, Exit};
use crate::cli::BackendArgs;
use crate::client::{self, Reader, Token, Writer};
use crate::config::{BackendKind, Config, ConfigError, expand_home};
use crate::model::{Actor, ActorRole};
use crate::server::{
    self, AuthConfig, DbLocation, RunningServer, ServerOptions, auth::local_user,
    store::generate_token, store::hash_token,
};

pub struct Connected {
    pub label: String,
    pub reader: Reader,
    pub writer: Writer,
    /// Separates each backend's outbox and drafts.
    pub scope: String,
    /// The in-process server, when we started one; dropped with us.
    pub embedded: Option<RunningServer>,
    /// Who the credentials are, for the outbox ([`client::identity`]).
    pub identity: String,
    /// Why this connection makes no changes, when it makes none.
    pub read_only: Option<String>,
}

impl Connected {
    /// Refuses a change on a read-only connection, saying why (exit 2).
    pub fn may_write(&self) -> Result<(), CliError> {
        match &self.read_only {
            Some(why) => Err(usage(format!("{why}: it makes no changes"))),
            None => Ok(()),
        }
    }
}

fn scope_of(url: &str) -> String {
    hex::encode(&Sha256::digest(url.as_bytes())[..6])
}

fn env_token(var: &str) -> Option<Token> {
    std::env::var(var)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(Token::new)
}

/// Starts an in-process server on a free loopback port with a token that
/// exists only in memory, and connects to it.
pub async fn embedded(db: DbLocation, demo: bool, label: &str) -> Result<Connected, String> {
    let token = generate_token();
    let auth = AuthConfig {
        no_auth: false,
        session: Some((
            hash_token(&token),
            Actor {
                handle: local_user(),
                role: ActorRole::Commander,
            },
        )),
        limiter: Default::default(),
    };
    let scope = match &db {
        DbLocation::File(p) => scope_of(&p.display().to_string()),
        DbLocation::Memory => format!("demo-{}", std::process::id()),
        DbLocation::Postgres(_) => scope_of(&db.describe()),
    };
    let srv = server::start(ServerOptions {
        alertmanager: None,
        actions: Vec::new(),
        limits: Default::default(),
        listen: "127.0.0.1:0".parse().expect("valid"),
        db,
        runbooks: crate::model::RunbookSet::default(),
        auth,
        classifier: Default::default(),
        policy: Default::default(),
        notify: Default::default(),
        automation: Default::default(),
        demo,
        status: Default::default(),
    })
    .await
    .map_err(|e| e.to_string())?;
    let (reader, writer) = client::connect(&srv.base_url(), Some(Token::new(token)), None)?;
    Ok(Connected {
        label: format!("{label} {}", srv.addr),
        reader,
        writer,
        scope,
        embedded: Some(srv),
        // The session token is new each run; the person is the same.
        identity: format!("local:{}", local_user()),
        read_only: None,
    })
}

/// The backend the flags, the profile or local mode name. Errors carry
/// their exit code: a wrong URL, profile or token file is the user's to
/// fix (2); a local server that cannot start is a failure (1).
pub async fn resolve(args: &BackendArgs, config: &Config) -> Result<Connected, CliError> {
    if let Some(url) = &args.api {
        let token = match &args.token_file {
            Some(p) => Some(client::load_token(p)?),
            None => env_token("WARROOM_TOKEN"),
        };
        let identity = client::identity(token.as_ref());
        let (reader, writer) =
            client::connect(url, token, args.ca_cert.as_deref()).map_err(usage)?;
        return Ok(Connected {
            label: crate::text::one_line(&client::redact_url(url), 50),
            reader,
            writer,
            scope: scope_of(url),
            embedded: None,
            identity,
            read_only: args.read_only.then(|| "--read-only".to_string()),
        });
    }
    let profile_name = args
        .profile
        .clone()
        .or_else(|| config.default_profile.clone());
    if profile_name.is_none() && args.token_file.is_some() {
        // A token with nowhere to send it is a mistake, not local mode.
        return Err(usage(
            "--token-file needs a server: give --api URL (or --profile NAME)".to_string(),
        ));
    }
    if let Some(name) = profile_name {
        if let Some(names) = config.view_profiles(&name) {
            return view(&name, &names, args, config);
        }
        return profile(&name, args, config);
    }
    let db = crate::paths::default_db().map_err(ConfigError::NoDirectory)?;
    if let Some(dir) = db.parent() {
        crate::private_fs::private_dir(dir)?;
    }
    let mut c = embedded(DbLocation::File(db), false, "local").await?;
    c.read_only = args.read_only.then(|| "--read-only".to_string());
    Ok(c)
}

/// Registers the backend names of the view `--profile` (or the default
/// profile) names, before any id is read from the command line: a merged
/// view's ids (`pd/INC-12`) parse only once their backend is known. A
/// config that cannot be read is reported later, by the command.
pub fn register_view_names(args: &BackendArgs) {
    let Ok(config) = Config::load_default() else {
        return;
    };
    let Some(name) = args.profile.clone().or(config.default_profile.clone()) else {
        return;
    };
    if args.api.is_none()
        && let Some(names) = config.view_profiles(&name)
    {
        for n in names {
            let _ = crate::model::register_source(&n);
        }
    }
}

/// One profile's backend.
fn profile(name: &str, args: &BackendArgs, config: &Config) -> Result<Connected, CliError> {
    let name = name.to_string();
    let p = config
        .profiles
        .get(&name)
        .ok_or_else(|| ConfigError::NoProfile {
            name: name.clone(),
            path: Config::path().unwrap_or_default(),
            have: config.profiles.keys().cloned().collect(),
        })?;
    let profile = |what: &str| ConfigError::Profile {
        name: name.clone(),
        what: what.to_string(),
    };
    let token = match (&args.token_file, &p.token_file, &p.token_env) {
        (Some(f), _, _) => Some(client::load_token(f)?),
        (None, Some(f), _) => Some(client::load_token(&expand_home(f))?),
        (None, None, Some(var)) => {
            Some(env_token(var).ok_or_else(|| profile(&format!("${var} is not set")))?)
        }
        (None, None, None) => env_token("WARROOM_TOKEN"),
    };
    let ca = args
        .ca_cert
        .clone()
        .or_else(|| p.ca_cert.as_deref().map(expand_home));
    let identity = client::identity(token.as_ref());
    let (reader, writer) = match p.kind {
        BackendKind::Warroom => client::connect(&p.url, token, ca.as_deref()).map_err(usage)?,
        BackendKind::Alertmanager => client::alertmanager::connect(
            &p.url,
            token,
            ca.as_deref(),
            p.user.as_deref().unwrap_or(&local_user()),
        )
        .map_err(usage)?,
        BackendKind::Pagerduty => {
            let token = token
                .ok_or_else(|| profile("PagerDuty needs a token (token_file or token_env)"))?;
            let from = p.user.clone().ok_or_else(|| {
                profile("PagerDuty needs `user = \"you@example.com\"` for the From header")
            })?;
            client::pagerduty::connect(&p.url, token, ca.as_deref(), &from, p.accept.as_deref())
                .map_err(usage)?
        }
    };
    Ok(Connected {
        label: format!(
            "{name} {}",
            crate::text::one_line(&client::redact_url(&p.url), 40)
        ),
        reader,
        writer,
        scope: scope_of(&p.url),
        embedded: None,
        identity,
        read_only: if args.read_only {
            Some("--read-only".to_string())
        } else {
            p.read_only
                .then(|| format!("profile `{name}` is read-only (read_only = true)"))
        },
    })
}

/// A merged view over several profiles (`--profile a,b`, `[views.NAME]`).
fn view(
    view_name: &str,
    names: &[String],
    args: &BackendArgs,
    config: &Config,
) -> Result<Connected, CliError> {
    if args.token_file.is_some() {
        return Err(usage(
            "--token-file names one token; a merged view reads each profile's own \
             (token_file or token_env in each profile)"
                .to_string(),
        ));
    }
    if names.len() < 2 {
        return Err(usage(format!(
            "view `{}` names {} profile(s): a merged view needs at least two",
            crate::text::one_line(view_name, 40),
            names.len()
        )));
    }
    let mut parts = Vec::new();
    let mut identities = Vec::new();
    for name in names {
        if config.views.contains_key(name) {
            return Err(usage(format!(
                "view `{view_name}` names the view `{name}`: name profiles"
            )));
        }
        let c = profile(name, args, config)?;
        identities.push(c.identity.clone());
        parts.push(client::merged::Part {
            name: name.clone(),
            reader: c.reader,
            writer: c.writer,
            read_only: c.read_only,
        });
    }
    let all_read_only = parts.iter().all(|p| p.read_only.is_some());
    let (reader, writer) = client::merged::connect(parts).map_err(usage)?;
    let label = if config.views.contains_key(view_name) {
        format!("view {view_name}: {}", names.join("+"))
    } else {
        format!("view {}", names.join("+"))
    };
    Ok(Connected {
        label: crate::text::one_line(&label, 50),
        reader,
        writer,
        scope: scope_of(&format!("view:{}", names.join(","))),
        embedded: None,
        identity: format!("view:{}", identities.join("+")),
        read_only: all_read_only.then(|| format!("every profile of {label} is read-only")),
    })
}

/// The backend of a one-shot command (`list`, `ack`, …). With nothing
/// configured it is the local war room only when that exists (or with
/// `--local`): a script that forgot its `--api` must not get "no active
/// incidents" from an empty database made on the spot, exit 0.
pub async fn resolve_verb(
    args: &BackendArgs,
    config: &Config,
    verb: &str,
) -> Result<Connected, CliError> {
    let named = args.api.is_some()
        || args.profile.is_some()
        || args.token_file.is_some()
        || config.default_profile.is_some();
    if !named && !args.local {
        let db = crate::paths::default_db().map_err(ConfigError::NoDirectory)?;
        if std::fs::symlink_metadata(&db).is_err() {
            return Err(usage(format!(
                "no backend is configured: `warroom {verb}` would read the local war room \
                 ({}), which does not exist yet. Name a server with --api URL --token-file FILE, \
                 or a profile (--profile NAME, or default_profile in {}); or give --local to \
                 use a new local war room",
                db.display(),
                Config::path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "~/.config/warroom/config.toml".into())
            )));
        }
    }
    resolve(args, config).await
}

/// A backend named wrong (its URL, its settings): the user's to fix.
fn usage(message: String) -> CliError {
    CliError::new(Exit::Usage, message)
}
