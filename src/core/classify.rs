//! Reads one raw answer of AA's itinerary endpoint and says what it is: the expected JSON, or
//! one of AA's failures (no session, an error number, a bot-defence block, a rate limit), so
//! that a failure is reported as what it is rather than as a parse error.

use crate::core::model::ItineraryResponse;

/// How AA's bot defence showed itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Akamai's HTTP 403 "Access Denied" page.
    AccessDenied,
    /// The "Challenge Validation" (captcha) page.
    Challenge,
    /// JSON `{"cpr_chlge":"true"}`.
    CprChallenge,
    /// HTTP 428 or 451.
    Status(u16),
}

impl std::fmt::Display for BlockKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlockKind::AccessDenied => f.write_str("HTTP 403 Access Denied page"),
            BlockKind::Challenge => f.write_str("a challenge (captcha) page"),
            BlockKind::CprChallenge => f.write_str("a cpr_chlge challenge"),
            BlockKind::Status(s) => write!(f, "HTTP {s}"),
        }
    }
}

/// What was wrong with an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Error 309: the request carried no live AA session.
    #[error("AA answered error 309 (no session) to the {body} search")]
    NoSession {
        /// Which body: "award", "revenue" or a file name.
        body: String,
    },
    /// AA's bot defence refused the request.
    #[error("AA's bot defence blocked the {body} search ({kind}{})", reference.as_ref().map(|r| format!(", {r}")).unwrap_or_default())]
    Blocked {
        /// Which body.
        body: String,
        /// How the block showed itself.
        kind: BlockKind,
        /// Akamai's `Reference #…` when the page had one.
        reference: Option<String>,
    },
    /// HTTP 429.
    #[error("AA is rate limiting the {body} search (HTTP 429{})", retry_after.as_ref().map(|r| format!(", Retry-After: {r}")).unwrap_or_default())]
    RateLimited {
        /// Which body.
        body: String,
        /// The `Retry-After` header, as given.
        retry_after: Option<String>,
    },
    /// An AA error body: a non-empty `error`, or an `errorNumber`.
    #[error("AA answered error {code} to the {body} search: {message}")]
    Aa {
        /// Which body.
        body: String,
        /// AA's code, e.g. "1100".
        code: String,
        /// AA's message, or what the code is known to mean.
        message: String,
    },
    /// A non-success HTTP status with no recognisable body.
    #[error("AA answered HTTP {status} to the {body} search")]
    Http {
        /// Which body.
        body: String,
        /// The status.
        status: u16,
    },
    /// Syntactically fine but not the itinerary JSON (HTML, or JSON without `slices`).
    #[error("{body} is not AA's itinerary JSON: {detail}")]
    Unexpected {
        /// Which body.
        body: String,
        /// What it looked like instead.
        detail: String,
    },
    /// JSON that does not parse, or does not fit the model at a place.
    #[error("{body}: malformed at line {line}, column {column}: {message}")]
    Malformed {
        /// Which body.
        body: String,
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// serde's description.
        message: String,
    },
}

impl ResponseError {
    /// True for a missing-session answer (309), which a fresh page load may cure.
    pub fn is_no_session(&self) -> bool {
        matches!(self, ResponseError::NoSession { .. })
    }

    /// True for a bot-defence block.
    pub fn is_blocked(&self) -> bool {
        matches!(self, ResponseError::Blocked { .. })
    }

    /// True for HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, ResponseError::RateLimited { .. })
    }

    /// True for 5xx answers, which are worth retrying.
    pub fn is_server_error(&self) -> bool {
        matches!(self, ResponseError::Http { status, .. } if *status >= 500)
    }

    /// A short, stable name for the kind of failure (used in batch output).
    pub fn kind(&self) -> &'static str {
        match self {
            ResponseError::NoSession { .. } => "no_session",
            ResponseError::Blocked { .. } => "blocked",
            ResponseError::RateLimited { .. } => "rate_limited",
            ResponseError::Aa { .. } => "aa_error",
            ResponseError::Http { .. } => "http_status",
            ResponseError::Unexpected { .. } | ResponseError::Malformed { .. } => {
                "unexpected_response"
            }
        }
    }
}

/// One answer as the browser (or a file) handed it over.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// HTTP status; `None` for a saved file.
    pub status: Option<u16>,
    /// The `Content-Type` header, if known.
    pub content_type: Option<&'a str>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<&'a str>,
    /// The body text.
    pub body: &'a str,
}

impl<'a> Answer<'a> {
    /// A saved body with no HTTP context.
    pub fn body(body: &'a str) -> Self {
        Answer {
            status: None,
            content_type: None,
            retry_after: None,
            body,
        }
    }
}

/// Parses an answer into the model, or says which failure it is. `source` names the body in
/// messages ("award", "revenue", a file name).
pub fn read_answer(answer: Answer<'_>, source: &str) -> Result<ItineraryResponse, ResponseError> {
    let src = || source.to_owned();
    let body = answer.body.trim_start_matches('\u{feff}');
    let trimmed = body.trim_start();
    let status = answer.status.unwrap_or(200);

    if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
        if let Some((kind, reference)) = html_block(body, status) {
            return Err(ResponseError::Blocked {
                body: src(),
                kind,
                reference,
            });
        }
    }
    match status {
        429 => {
            return Err(ResponseError::RateLimited {
                body: src(),
                retry_after: answer.retry_after.map(str::to_owned),
            })
        }
        403 | 428 | 451 => {
            return Err(ResponseError::Blocked {
                body: src(),
                kind: if status == 403 {
                    BlockKind::AccessDenied
                } else {
                    BlockKind::Status(status)
                },
                reference: None,
            })
        }
        _ => {}
    }
    if trimmed.is_empty() {
        return Err(match status {
            200..=299 => ResponseError::Unexpected {
                body: src(),
                detail: "the body is empty".into(),
            },
            _ => ResponseError::Http {
                body: src(),
                status,
            },
        });
    }
    if !trimmed.starts_with('{') {
        if !(200..=299).contains(&status) {
            return Err(ResponseError::Http {
                body: src(),
                status,
            });
        }
        return Err(ResponseError::Unexpected {
            body: src(),
            detail: format!(
                "{} starting {:?}",
                describe_type(answer.content_type, trimmed),
                snippet(trimmed)
            ),
        });
    }

    let parsed: ItineraryResponse = match serde_json::from_str(body) {
        Ok(parsed) => parsed,
        Err(e) if !(200..=299).contains(&status) && e.is_syntax() => {
            return Err(ResponseError::Http {
                body: src(),
                status,
            })
        }
        Err(e) => {
            return Err(ResponseError::Malformed {
                body: src(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })
        }
    };

    if parsed
        .cpr_chlge
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false")
    {
        return Err(ResponseError::Blocked {
            body: src(),
            kind: BlockKind::CprChallenge,
            reference: None,
        });
    }
    if let Some(code) = parsed.error.as_deref().filter(|e| !e.is_empty()) {
        if code == "309" {
            return Err(ResponseError::NoSession { body: src() });
        }
        return Err(ResponseError::Aa {
            body: src(),
            code: code.to_owned(),
            message: parsed
                .message
                .clone()
                .unwrap_or_else(|| meaning(code).into()),
        });
    }
    if let Some(code) = parsed.error_number.as_deref() {
        let message = match parsed.message.as_deref() {
            Some(m) if !m.is_empty() => format!("{} ({m})", meaning(code)),
            _ => meaning(code).to_owned(),
        };
        return Err(ResponseError::Aa {
            body: src(),
            code: code.to_owned(),
            message,
        });
    }
    if !(200..=299).contains(&status) {
        return Err(ResponseError::Http {
            body: src(),
            status,
        });
    }
    if parsed.slices.is_none() && parsed.response_metadata.is_none() {
        return Err(ResponseError::Unexpected {
            body: src(),
            detail: "a JSON object with neither `slices` nor `responseMetadata`".into(),
        });
    }
    Ok(parsed)
}

/// What a known AA code means, for messages.
fn meaning(code: &str) -> &'static str {
    match code {
        "1100" => "the departure date is in the past",
        "309" => "no session",
        _ => "unknown AA error",
    }
}

/// Recognises Akamai's HTML pages.
fn html_block(body: &str, status: u16) -> Option<(BlockKind, Option<String>)> {
    const CHALLENGE: [&str; 4] = [
        "sec_chlge_form",
        "sec-if-cpt-container",
        "cp_clge_done",
        "/challenge-assets/",
    ];
    if CHALLENGE.iter().any(|m| body.contains(m)) {
        return Some((BlockKind::Challenge, None));
    }
    let denied = body.contains("errors.edgesuite.net")
        || (body.contains("Access Denied") && (status == 403 || body.contains("Reference #")));
    if denied {
        let reference = body.find("Reference #").map(|at| {
            body[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() || *c == ' ')
                .take_while(|c| *c != '<' && *c != '\n')
                .collect::<String>()
                .trim()
                .to_owned()
        });
        return Some((BlockKind::AccessDenied, reference));
    }
    None
}

fn describe_type(content_type: Option<&str>, body: &str) -> String {
    match content_type {
        Some(ct) if !ct.is_empty() => ct.split(';').next().unwrap_or(ct).trim().to_owned(),
        _ if body.starts_with('<') => "HTML or XML".to_owned(),
        _ => "text".to_owned(),
    }
}

/// The first few characters, on one line, for an error message.
fn snippet(body: &str) -> String {
    let one_line: String = body
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line.trim().to_owned()
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
