//! One TLS crypto provider for every connection warroom makes (HTTPS to
//! backends and chat, and PostgreSQL): ring, which PostgreSQL's TLS needs
//! anyway. reqwest is built without a provider of its own, so this one is
//! installed before any client is built.

use std::sync::{Arc, Once};

use rustls::crypto::CryptoProvider;

/// The provider, for the configurations warroom builds itself.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Installs the provider as the process default (once; a default someone
/// installed first is kept).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// An HTTP client builder, the provider installed.
pub fn client_builder() -> reqwest::ClientBuilder {
    install();
    reqwest::Client::builder()
}

/// An HTTP client with reqwest's defaults, the provider installed.
pub fn client() -> reqwest::Client {
    install();
    reqwest::Client::new()
}
