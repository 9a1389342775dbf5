//! How the browser is started: where geckodriver and Firefox are, headless or not, an optional
//! proxy, and the WebDriver capabilities (with the Firefox prefs that keep a fresh profile off
//! the network except for the pages we ask for).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::error::BrowserError;

/// How to start (or where to find) the browser.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// geckodriver executable; `None` searches `PATH` (then `~/.cargo/bin`).
    pub geckodriver: Option<PathBuf>,
    /// Firefox executable; `None` lets geckodriver find `firefox`, or uses `firefox-esr` when
    /// only that one is on `PATH`.
    pub firefox: Option<PathBuf>,
    /// Show the browser window instead of running headless.
    pub headed: bool,
    /// URL of a WebDriver server that is already running (remote geckodriver, Selenium Grid);
    /// no process is spawned then, and closing ends only the session. That server's Firefox
    /// should run with `MOZ_REMOTE_SETTINGS_DEVTOOLS=1` in its environment, or it keeps
    /// calling Mozilla's remote settings server (see `driver.rs`).
    pub webdriver: Option<String>,
    /// Proxy for all of Firefox's traffic.
    pub proxy: Option<ProxyConfig>,
    /// How long geckodriver may take to answer and the session to open.
    pub startup_timeout: Duration,
    /// How long one page load may take.
    pub page_load_timeout: Duration,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self {
            geckodriver: None,
            firefox: None,
            headed: false,
            webdriver: None,
            proxy: None,
            startup_timeout: Duration::from_secs(30),
            page_load_timeout: Duration::from_secs(60),
        }
    }
}

/// The protocol spoken to a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyScheme {
    /// A plain HTTP proxy (HTTPS pages go through it with `CONNECT`).
    Http,
    /// An HTTP proxy reached over TLS.
    Https,
    /// A SOCKS5 proxy; host names are resolved by the proxy.
    Socks5,
}

impl ProxyScheme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
            Self::Socks5 => "socks5",
        }
    }
}

/// A proxy, written `scheme://[user[:password]@]host:port`.
///
/// `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    /// The protocol.
    pub scheme: ProxyScheme,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// User name, if the proxy wants one.
    pub username: Option<String>,
    /// Password, if the proxy wants one. Kept out of every message and log.
    pub password: Option<String>,
}

impl ProxyConfig {
    /// True when the proxy needs a user name (and maybe a password).
    pub fn has_credentials(&self) -> bool {
        self.username.is_some()
    }

    /// `host:port`, with brackets around an IPv6 address.
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme.as_str())?;
        if let Some(user) = &self.username {
            write!(f, "{user}")?;
            if self.password.is_some() {
                write!(f, ":***")?;
            }
            write!(f, "@")?;
        }
        write!(f, "{}", self.host_port())
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

impl FromStr for ProxyConfig {
    type Err = BrowserError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Errors must not echo the input: it may hold a password.
        let invalid = |reason: &str| BrowserError::InvalidProxy {
            proxy: redact_proxy(s),
            reason: reason.to_string(),
        };
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| invalid("expected scheme://host:port"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => ProxyScheme::Http,
            "https" => ProxyScheme::Https,
            "socks5" | "socks5h" | "socks" => ProxyScheme::Socks5,
            _ => return Err(invalid("the scheme must be http, https or socks5")),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err(invalid("a proxy has no path"));
        }
        let (userinfo, hostport) = match rest.rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(info) => {
                let (user, pass) = match info.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (info, None),
                };
                let user = percent_decode(user).ok_or_else(|| invalid("bad %-escape in user"))?;
                let pass = pass
                    .map(|p| percent_decode(p).ok_or_else(|| invalid("bad %-escape in password")))
                    .transpose()?;
                (Some(user), pass)
            }
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| invalid("unclosed '[' in host"))?;
            let port = after
                .strip_prefix(':')
                .ok_or_else(|| invalid("missing port"))?;
            (host, port)
        } else {
            hostport
                .rsplit_once(':')
                .ok_or_else(|| invalid("missing port"))?
        };
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        let port: u16 = port.parse().map_err(|_| invalid("bad port"))?;
        if port == 0 {
            return Err(invalid("bad port"));
        }
        Ok(Self {
            scheme,
            host: host.to_string(),
            port,
            username,
            password,
        })
    }
}

/// The proxy string with anything between `:` and `@` in the authority replaced.
fn redact_proxy(s: &str) -> String {
    super::error::redact_url(s)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A pref value, so the table below stays a plain constant.
enum Pref {
    B(bool),
    I(i64),
    S(&'static str),
}

/// Prefs that stop a fresh profile from phoning home, so startup is quick and quiet even
/// without internet access, and nothing but our own pages produces traffic.
const QUIET_PREFS: &[(&str, Pref)] = {
    use Pref::{B, I, S};
    &[
        // updates
        ("app.update.disabledForTesting", B(true)),
        ("app.update.auto", B(false)),
        ("app.update.checkInstallTime", B(false)),
        ("extensions.update.enabled", B(false)),
        ("extensions.getAddons.cache.enabled", B(false)),
        ("extensions.systemAddon.update.enabled", B(false)),
        ("extensions.blocklist.enabled", B(false)),
        ("browser.search.update", B(false)),
        ("media.gmp-manager.updateEnabled", B(false)),
        ("media.gmp-gmpopenh264.enabled", B(false)),
        // telemetry, studies, experiments
        ("datareporting.policy.dataSubmissionEnabled", B(false)),
        ("datareporting.healthreport.uploadEnabled", B(false)),
        ("toolkit.telemetry.enabled", B(false)),
        ("toolkit.telemetry.unified", B(false)),
        ("toolkit.telemetry.archive.enabled", B(false)),
        ("toolkit.telemetry.server", S("")),
        ("browser.ping-centre.telemetry", B(false)),
        ("app.normandy.enabled", B(false)),
        ("app.normandy.api_url", S("")),
        ("app.shield.optoutstudies.enabled", B(false)),
        ("messaging-system.rsexperimentloader.enabled", B(false)),
        ("browser.discovery.enabled", B(false)),
        // safe browsing lists
        ("browser.safebrowsing.malware.enabled", B(false)),
        ("browser.safebrowsing.phishing.enabled", B(false)),
        ("browser.safebrowsing.downloads.enabled", B(false)),
        ("browser.safebrowsing.downloads.remote.enabled", B(false)),
        ("browser.safebrowsing.blockedURIs.enabled", B(false)),
        ("browser.safebrowsing.provider.mozilla.updateURL", S("")),
        ("browser.safebrowsing.provider.google4.updateURL", S("")),
        // connectivity probes
        ("network.captive-portal-service.enabled", B(false)),
        ("network.connectivity-service.enabled", B(false)),
        ("network.trr.mode", I(5)),
        // remote settings (honoured only with MOZ_REMOTE_SETTINGS_DEVTOOLS=1 in Firefox's
        // environment, which driver.rs sets), push, location, region
        (
            "services.settings.server",
            S("data:,#remote-settings-disabled/v1"),
        ),
        ("dom.push.enabled", B(false)),
        ("dom.push.connection.enabled", B(false)),
        ("dom.push.serverURL", S("")),
        ("geo.provider.network.url", S("")),
        ("browser.region.network.url", S("")),
        ("browser.region.update.enabled", B(false)),
        ("browser.search.geoip.url", S("")),
        // speculative connections to sites we did not ask for
        ("network.dns.disablePrefetch", B(true)),
        ("network.prefetch-next", B(false)),
        ("network.http.speculative-parallel-limit", I(0)),
        ("browser.urlbar.speculativeConnect.enabled", B(false)),
        // first run, new tab, default browser
        ("browser.shell.checkDefaultBrowser", B(false)),
        ("browser.startup.homepage_override.mstone", S("ignore")),
        ("browser.startup.page", I(0)),
        ("browser.startup.homepage", S("about:blank")),
        ("startup.homepage_welcome_url", S("about:blank")),
        ("startup.homepage_welcome_url.additional", S("")),
        ("browser.aboutwelcome.enabled", B(false)),
        ("trailhead.firstrun.branches", S("nofirstrun-empty")),
        ("browser.newtabpage.enabled", B(false)),
        (
            "browser.newtabpage.activity-stream.feeds.telemetry",
            B(false),
        ),
        (
            "browser.newtabpage.activity-stream.feeds.section.topstories",
            B(false),
        ),
        (
            "browser.newtabpage.activity-stream.feeds.snippets",
            B(false),
        ),
        ("browser.newtabpage.activity-stream.default.sites", S("")),
        ("browser.translations.enabled", B(false)),
        ("browser.ml.enable", B(false)),
        ("browser.sessionstore.resume_from_crash", B(false)),
        ("browser.tabs.warnOnClose", B(false)),
    ]
};

fn quiet_prefs() -> Map<String, Value> {
    QUIET_PREFS
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Pref::B(b) => Value::from(*b),
                Pref::I(i) => Value::from(*i),
                Pref::S(s) => Value::from(*s),
            };
            (name.to_string(), value)
        })
        .collect()
}

/// Prefs that send all traffic through `proxy`; credentials are not prefs (Firefox has none for
/// them) and are handled by the proxy helper add-on.
fn proxy_prefs(proxy: &ProxyConfig, prefs: &mut Map<String, Value>) {
    let host = Value::from(proxy.host.clone());
    let port = Value::from(proxy.port);
    match proxy.scheme {
        ProxyScheme::Http => {
            prefs.insert("network.proxy.type".into(), 1.into());
            prefs.insert("network.proxy.http".into(), host.clone());
            prefs.insert("network.proxy.http_port".into(), port.clone());
            prefs.insert("network.proxy.ssl".into(), host);
            prefs.insert("network.proxy.ssl_port".into(), port);
            prefs.insert("network.proxy.share_proxy_settings".into(), true.into());
        }
        ProxyScheme::Socks5 => {
            prefs.insert("network.proxy.type".into(), 1.into());
            prefs.insert("network.proxy.socks".into(), host);
            prefs.insert("network.proxy.socks_port".into(), port);
            prefs.insert("network.proxy.socks_version".into(), 5.into());
            prefs.insert("network.proxy.socks_remote_dns".into(), true.into());
        }
        ProxyScheme::Https => {
            // Manual proxy prefs cannot say "TLS to the proxy"; a PAC script can.
            let pac = format!(
                "function FindProxyForURL(url, host) {{ return \"HTTPS {}\"; }}",
                proxy.host_port()
            );
            prefs.insert("network.proxy.type".into(), 2.into());
            prefs.insert(
                "network.proxy.autoconfig_url".into(),
                format!(
                    "data:application/x-ns-proxy-autoconfig,{}",
                    pac_escape(&pac)
                )
                .into(),
            );
        }
    }
}

fn pac_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~(){}:;=\"".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The W3C capabilities for a new Firefox session.
pub(crate) fn capabilities(
    opts: &BrowserOptions,
    firefox: Option<&Path>,
) -> serde_json::Map<String, Value> {
    let mut prefs = quiet_prefs();
    // Firefox opens at most 6 HTTP/1.1 connections to one server, which would queue `batch`'s
    // searches (two requests each) beyond 3 in flight. aa.com speaks HTTP/2 (one connection), so
    // this only matters for HTTP/1.1 servers such as the stand-in.
    prefs.insert(
        "network.http.max-persistent-connections-per-server".into(),
        Value::from(16),
    );
    if let Some(proxy) = &opts.proxy {
        proxy_prefs(proxy, &mut prefs);
    }
    let mut firefox_options = Map::new();
    let args: Vec<Value> = if opts.headed {
        vec![]
    } else {
        vec!["-headless".into()]
    };
    firefox_options.insert("args".into(), args.into());
    if let Some(bin) = firefox {
        firefox_options.insert("binary".into(), bin.display().to_string().into());
    }
    firefox_options.insert("prefs".into(), Value::Object(prefs));

    let caps = json!({
        "browserName": "firefox",
        "pageLoadStrategy": "normal",
        // A stray alert() on the page would otherwise fail every following command.
        "unhandledPromptBehavior": "dismiss",
        "timeouts": {
            "implicit": 0,
            "pageLoad": millis(opts.page_load_timeout),
            // Our scripts return at once (fetches are polled), so this only catches a hang.
            "script": 30_000,
        },
        "moz:firefoxOptions": Value::Object(firefox_options),
    });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("the capabilities literal is an object"),
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The first executable called `name` on `PATH`.
pub(crate) fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

pub(crate) fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proxy_with_credentials_and_hides_password() {
        let p: ProxyConfig = "socks5://me:s%40cret@10.0.0.1:1080".parse().unwrap();
        assert_eq!(p.scheme, ProxyScheme::Socks5);
        assert_eq!(p.host, "10.0.0.1");
        assert_eq!(p.port, 1080);
        assert_eq!(p.username.as_deref(), Some("me"));
        assert_eq!(p.password.as_deref(), Some("s@cret"));
        assert_eq!(p.to_string(), "socks5://me:***@10.0.0.1:1080");
        assert!(!format!("{p:?}").contains("s@cret"));
    }

    #[test]
    fn parses_ipv6_and_plain_proxies() {
        let p: ProxyConfig = "http://[::1]:8080".parse().unwrap();
        assert_eq!(p.host, "::1");
        assert_eq!(p.host_port(), "[::1]:8080");
        assert!(!p.has_credentials());
    }

    #[test]
    fn rejects_bad_proxies_without_echoing_password() {
        for bad in [
            "ftp://h:1",
            "http://h",
            "http://:1",
            "http://h:0",
            "http://u:pw@h:x",
            "http://h:1/path",
        ] {
            let err = bad.parse::<ProxyConfig>().unwrap_err();
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
    }

    #[test]
    fn capabilities_are_headless_with_quiet_prefs() {
        let caps = capabilities(&BrowserOptions::default(), None);
        let ff = &caps["moz:firefoxOptions"];
        assert_eq!(ff["args"], json!(["-headless"]));
        assert_eq!(ff["prefs"]["network.connectivity-service.enabled"], false);
        assert!(ff.get("binary").is_none());
        assert_eq!(caps["timeouts"]["pageLoad"], 60_000);
    }

    #[test]
    fn proxy_prefs_by_scheme() {
        let mut opts = BrowserOptions {
            proxy: Some("http://proxy:3128".parse().unwrap()),
            ..Default::default()
        };
        let caps = capabilities(&opts, None);
        let prefs = &caps["moz:firefoxOptions"]["prefs"];
        assert_eq!(prefs["network.proxy.ssl"], "proxy");
        assert_eq!(prefs["network.proxy.ssl_port"], 3128);

        opts.proxy = Some("socks5://proxy:1080".parse().unwrap());
        let caps = capabilities(&opts, None);
        let prefs = &caps["moz:firefoxOptions"]["prefs"];
        assert_eq!(prefs["network.proxy.socks_version"], 5);
        assert_eq!(prefs["network.proxy.socks_remote_dns"], true);
    }
}
