//! Proxy credentials for Firefox. Firefox has no pref for a proxy's user name and password
//! (it would show a login dialog nobody answers), so when the proxy needs them we install a
//! tiny temporary add-on that routes all traffic through the proxy and answers its
//! authentication challenge: SOCKS5 credentials go into the routing answer itself, HTTP(S)
//! proxy credentials are given when the proxy asks (407).

use std::fmt;

use base64::Engine;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::json;

use super::error::BrowserError;
use super::options::{ProxyConfig, ProxyScheme};

const BACKGROUND_JS: &str = include_str!("proxy_addon.js");

/// Installs the add-on for `proxy` into the session.
pub(crate) async fn install(client: &Client, proxy: &ProxyConfig) -> Result<(), BrowserError> {
    let xpi = build_xpi(proxy);
    let command = InstallAddon {
        addon: base64::engine::general_purpose::STANDARD.encode(xpi),
    };
    client
        .issue_cmd(command)
        .await
        .map_err(|e| BrowserError::InvalidProxy {
            proxy: proxy.to_string(),
            reason: format!("could not install the proxy credentials add-on: {e}"),
        })?;
    tracing::debug!(proxy = %proxy, "proxy credentials add-on installed");
    Ok(())
}

/// geckodriver's `POST /session/{id}/moz/addon/install` with the XPI inline, so it works with a
/// remote WebDriver server too. Temporary add-ons need no signature and vanish with the
/// profile.
struct InstallAddon {
    addon: String,
}

impl fmt::Debug for InstallAddon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The add-on carries the proxy password.
        f.write_str("InstallAddon { .. }")
    }
}

impl WebDriverCompatibleCommand for InstallAddon {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/moz/addon/install"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "addon": self.addon, "temporary": true });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The add-on as a zip file: manifest.json and background.js.
fn build_xpi(proxy: &ProxyConfig) -> Vec<u8> {
    let manifest = json!({
        "manifest_version": 2,
        "name": "point-break proxy credentials",
        "version": "1.0",
        "browser_specific_settings": { "gecko": { "id": "proxy-credentials@point-break" } },
        "permissions": ["proxy", "webRequest", "webRequestBlocking", "<all_urls>"],
        "background": { "scripts": ["background.js"] },
    });
    let config = json!({
        "type": match proxy.scheme {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks5 => "socks",
        },
        "host": proxy.host,
        "port": proxy.port,
        "username": proxy.username.clone().unwrap_or_default(),
        "password": proxy.password.clone().unwrap_or_default(),
    });
    let background = format!("const PROXY = {config};\n{BACKGROUND_JS}");
    let mut zip = StoredZip::default();
    zip.add("manifest.json", manifest.to_string().as_bytes());
    zip.add("background.js", background.as_bytes());
    zip.finish()
}

/// A minimal zip writer (no compression), enough for an add-on of two small files.
#[derive(Default)]
struct StoredZip {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

impl StoredZip {
    fn add(&mut self, name: &str, data: &[u8]) {
        let offset = self.out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        // 1980-01-01 00:00, the earliest DOS date: reproducible output.
        let (time, date) = (0u16, 0x21u16);

        let out = &mut self.out;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, 0, time, date] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        let cd = &mut self.central;
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, time, date] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        cd.extend_from_slice(&0u32.to_le_bytes());
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let cd_offset = self.out.len() as u32;
        let cd_size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, self.entries, self.entries] {
            self.out.extend_from_slice(&v.to_le_bytes());
        }
        self.out.extend_from_slice(&cd_size.to_le_bytes());
        self.out.extend_from_slice(&cd_offset.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out
    }
}

/// CRC-32 (IEEE), as zip wants it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The prefs-only proxy setup is enough unless the proxy wants credentials.
pub(crate) fn needed(proxy: Option<&ProxyConfig>) -> Option<&ProxyConfig> {
    proxy.filter(|p| p.has_credentials())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn xpi_is_a_zip_with_both_files_and_debug_hides_it() {
        let proxy: ProxyConfig = "socks5://u:pw@h:1080".parse().unwrap();
        let xpi = build_xpi(&proxy);
        assert_eq!(&xpi[..4], b"PK\x03\x04");
        let text = String::from_utf8_lossy(&xpi);
        assert!(text.contains("manifest.json") && text.contains("background.js"));
        assert!(text.contains("\"type\":\"socks\""));
        let cmd = InstallAddon {
            addon: "secret".into(),
        };
        assert!(!format!("{cmd:?}").contains("secret"));
    }
}
