use std::net::SocketAddr;

use super::outcome::CliError;
use crate::cli::ServeArgs;
use crate::paths;
use crate::server::config::{ServerFileConfig, load_runbooks};
use crate::server::{self, AuthConfig, DbLocation, ServerOptions};

const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

pub fn run(args: ServeArgs) -> Result<(), CliError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warroom=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // A panic's message may quote a request (a query value, a header): the
    // log gets where it happened, never what it said. The request itself
    // is answered 500 by the router's panic layer.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".into());
        tracing::error!(%at, "internal error (its message is withheld: it may quote a request)");
    }));
    let file = match &args.config {
        Some(p) => ServerFileConfig::load(p)?,
        None => ServerFileConfig::default(),
    };
    let listen: SocketAddr = match (args.listen, &file.listen) {
        (Some(l), _) => l,
        (None, Some(l)) => l
            .parse()
            .map_err(|e| format!("config `listen = \"{l}\"`: {e}"))?,
        (None, None) => DEFAULT_LISTEN.parse().expect("valid default"),
    };
    let db = if args.demo {
        DbLocation::Memory
    } else {
        let path = match args.db.or(file.db.clone()) {
            Some(p) => p,
            None => paths::default_db()?,
        };
        let db = DbLocation::parse(path)?;
        if let DbLocation::File(p) = &db {
            server::prepare_db_dir(p)?;
        }
        db
    };
    let runbooks = load_runbooks(file.runbooks.as_deref())?;
    server::actions::check_runbooks(&file.actions, &runbooks)?;
    file.limits.check()?;
    let fds = server::listener::raise_fd_limit();
    let limits = file.limits.fitted(fds);
    if limits.max_connections < file.limits.max_connections {
        tracing::warn!(
            fds,
            max_connections = limits.max_connections,
            "the open-files limit lowers the connection cap"
        );
    }
    let alertmanager = file.alertmanager.connect()?;
    let mut auth = AuthConfig::tokens_only();
    auth.no_auth = args.no_auth;
    if args.no_auth {
        eprintln!(
            "warroom: WARNING: --no-auth: every request on {listen} acts as a commander with no \
             token. Loopback only; never on a shared host."
        );
    }
    if args.demo {
        eprintln!(
            "warroom: DEMO server: in-memory database seeded with a simulated outage; nothing is kept."
        );
    }
    let rt = super::runtime()?;
    rt.block_on(async move {
        let mut running = server::start(ServerOptions {
            alertmanager,
            actions: file.actions.clone(),
            listen,
            db: db.clone(),
            runbooks,
            auth,
            classifier: file.classifier(),
            policy: file.policy.clone(),
            notify: file.notify.clone(),
            automation: file.automation.clone(),
            demo: args.demo,
            status: file.status.clone(),
            limits,
        })
        .await
        .map_err(|e| e.to_string())?;
        match &db {
            DbLocation::File(p) => eprintln!(
                "warroom: serving on http://{} (database {})",
                running.addr,
                p.display()
            ),
            DbLocation::Memory => eprintln!(
                "warroom: serving on http://{} (in-memory database)",
                running.addr
            ),
            DbLocation::Postgres(_) => eprintln!(
                "warroom: serving on http://{} (database {})",
                running.addr,
                db.describe()
            ),
        }
        let stop = running.shutdown_sender();
        tokio::spawn(async move {
            shutdown_signal().await;
            if let Some(tx) = stop {
                let _ = tx.send(());
            }
        });
        running.wait().await;
        Ok(())
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("signal handlers install on unix");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
