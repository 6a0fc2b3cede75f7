//! Who is on the other end of the connection, for sign-in throttling.
//!
//! The address is the TCP peer's. `X-Forwarded-For` is believed only when the peer is one
//! of the configured `trusted_proxies`; then the right-most address in it that is not a
//! trusted proxy is the client (the left part of the header is whatever the client wrote).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::web::AppState;

/// The client's address as text ("unknown" when the server was not given it, as in tests
/// that drive the router without a socket).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(ClientAddr(resolve(
            peer,
            &forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// The client address from the peer and the `X-Forwarded-For` chain.
pub fn resolve(peer: Option<IpAddr>, forwarded: &str, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let mut client = peer;
    for hop in forwarded.split(',').rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip.to_string(),
            // Garbage in the chain: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client.to_string()
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        // An untrusted peer cannot choose its address with a header.
        assert_eq!(
            resolve(Some(ip("203.0.113.5")), "198.51.100.1", &trusted),
            "203.0.113.5"
        );
        // Behind the proxy: the right-most untrusted address is the client, whatever the
        // client itself wrote on the left.
        assert_eq!(
            resolve(
                Some(ip("10.0.0.1")),
                "1.2.3.4, 198.51.100.7, 10.0.0.2",
                &trusted
            ),
            "198.51.100.7"
        );
        assert_eq!(resolve(Some(ip("10.0.0.1")), "", &trusted), "10.0.0.1");
        assert_eq!(
            resolve(Some(ip("10.0.0.1")), "not-an-ip", &trusted),
            "10.0.0.1"
        );
        assert_eq!(resolve(None, "1.2.3.4", &trusted), "unknown");
    }
}
