//! A Moodle web-services client: REST with token authentication and
//! `moodlewsrestformat=json`, parameters in Moodle's bracketed form encoding
//! (`users[0][username]=…`). Moodle answers most failures with HTTP 200 and an
//! exception object (`{"exception": …, "errorcode": …, "message": …}`): those are
//! errors here too.

use std::time::Duration;

use serde_json::Value;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum MoodleError {
    /// No answer, or an HTTP error status.
    #[error("Moodle did not answer: {0}")]
    Transport(String),
    /// Moodle's exception object: its `errorcode` and `message`.
    #[error("Moodle refused ({code}): {message}")]
    Refused {
        /// `errorcode` (`invalidtoken`, `invalidparameter`, …).
        code: String,
        /// `message`.
        message: String,
    },
    /// An answer that is not what the function documents.
    #[error("Moodle answered something unexpected: {0}")]
    Unexpected(String),
}

/// The largest answer read from Moodle (one user's grade items are a few kilobytes).
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// The student role of Moodle's standard installation.
pub const STUDENT_ROLE: i64 = 5;

/// A Moodle site reached with one token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    token: String,
}

impl Client {
    /// A client of the Moodle at `url` (its root).
    pub fn new(url: &str, token: &str) -> Result<Self, MoodleError> {
        // Installed once per process (the module's start does it too); a second call
        // finds it there.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| MoodleError::Transport(e.to_string()))?;
        Ok(Client {
            http,
            endpoint: format!("{}/webservice/rest/server.php", url.trim_end_matches('/')),
            token: token.to_owned(),
        })
    }

    /// Calls `function` with its parameters (already in Moodle's form encoding).
    pub async fn call(
        &self,
        function: &str,
        params: &[(String, String)],
    ) -> Result<Value, MoodleError> {
        let mut form: Vec<(String, String)> = vec![
            ("wstoken".into(), self.token.clone()),
            ("wsfunction".into(), function.into()),
            ("moodlewsrestformat".into(), "json".into()),
        ];
        form.extend(params.iter().cloned());
        let res = self
            .http
            .post(&self.endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| MoodleError::Transport(e.without_url().to_string()))?;
        let status = res.status();
        if !status.is_success() {
            return Err(MoodleError::Transport(format!("HTTP {status}")));
        }
        // Read in chunks and bounded: a misbehaving server does not fill the memory.
        let mut res = res;
        let mut body = Vec::new();
        while let Some(chunk) = res
            .chunk()
            .await
            .map_err(|e| MoodleError::Transport(e.without_url().to_string()))?
        {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(MoodleError::Unexpected(format!(
                    "{function}: an answer over {MAX_ANSWER_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let value: Value = serde_json::from_slice(&body)
            .map_err(|_| MoodleError::Unexpected(format!("{function}: not JSON")))?;
        if let Some(code) = value.get("errorcode").and_then(Value::as_str)
            && value.get("exception").is_some()
        {
            return Err(MoodleError::Refused {
                code: code.chars().take(100).collect(),
                message: value
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .chars()
                    .take(300)
                    .collect(),
            });
        }
        Ok(value)
    }

    /// The Moodle id of the user whose `idnumber` is `idnumber`, if any.
    pub async fn user_by_idnumber(&self, idnumber: &str) -> Result<Option<i64>, MoodleError> {
        let users = self
            .call(
                "core_user_get_users_by_field",
                &[
                    ("field".into(), "idnumber".into()),
                    ("values[0]".into(), idnumber.into()),
                ],
            )
            .await?;
        let users = users
            .as_array()
            .ok_or_else(|| MoodleError::Unexpected("users: not a list".into()))?;
        Ok(users
            .first()
            .and_then(|u| u.get("id"))
            .and_then(Value::as_i64))
    }

    /// Creates a user (Moodle e-mails them a password); its Moodle id.
    pub async fn create_user(&self, user: &NewUser<'_>) -> Result<i64, MoodleError> {
        let created = self
            .call(
                "core_user_create_users",
                &[
                    ("users[0][username]".into(), user.username.into()),
                    ("users[0][createpassword]".into(), "1".into()),
                    ("users[0][auth]".into(), "manual".into()),
                    ("users[0][firstname]".into(), user.firstname.into()),
                    ("users[0][lastname]".into(), user.lastname.into()),
                    ("users[0][email]".into(), user.email.into()),
                    ("users[0][idnumber]".into(), user.idnumber.into()),
                    ("users[0][lang]".into(), "es".into()),
                ],
            )
            .await?;
        created
            .as_array()
            .and_then(|a| a.first())
            .and_then(|u| u.get("id"))
            .and_then(Value::as_i64)
            .ok_or_else(|| MoodleError::Unexpected("create_users: no id".into()))
    }

    /// Enrols a user in a course as a student (enrolling again changes nothing).
    pub async fn enrol(&self, user: i64, course: i64) -> Result<(), MoodleError> {
        self.call(
            "enrol_manual_enrol_users",
            &[
                ("enrolments[0][roleid]".into(), STUDENT_ROLE.to_string()),
                ("enrolments[0][userid]".into(), user.to_string()),
                ("enrolments[0][courseid]".into(), course.to_string()),
            ],
        )
        .await
        .map(|_| ())
    }

    /// Unenrols a user from a course.
    pub async fn unenrol(&self, user: i64, course: i64) -> Result<(), MoodleError> {
        self.call(
            "enrol_manual_unenrol_users",
            &[
                ("enrolments[0][userid]".into(), user.to_string()),
                ("enrolments[0][courseid]".into(), course.to_string()),
            ],
        )
        .await
        .map(|_| ())
    }

    /// Has the user completed the course (by the course's completion criteria)?
    pub async fn completed(&self, user: i64, course: i64) -> Result<bool, MoodleError> {
        let status = self
            .call(
                "core_completion_get_course_completion_status",
                &[
                    ("courseid".into(), course.to_string()),
                    ("userid".into(), user.to_string()),
                ],
            )
            .await?;
        status
            .pointer("/completionstatus/completed")
            .and_then(Value::as_bool)
            .ok_or_else(|| MoodleError::Unexpected("completion: no completed flag".into()))
    }

    /// The user's course total on a 0–10 scale, if graded.
    pub async fn course_grade(&self, user: i64, course: i64) -> Result<Option<f64>, MoodleError> {
        let report = self
            .call(
                "gradereport_user_get_grade_items",
                &[
                    ("courseid".into(), course.to_string()),
                    ("userid".into(), user.to_string()),
                ],
            )
            .await?;
        let items = report
            .pointer("/usergrades/0/gradeitems")
            .and_then(Value::as_array)
            .ok_or_else(|| MoodleError::Unexpected("grade items: none".into()))?;
        let total = items
            .iter()
            .find(|i| i.get("itemtype").and_then(Value::as_str) == Some("course"));
        Ok(total.and_then(|t| {
            let raw = t.get("graderaw").and_then(Value::as_f64)?;
            let max = t
                .get("grademax")
                .and_then(Value::as_f64)
                .filter(|m| *m > 0.0)?;
            Some((raw / max * 1000.0).round() / 100.0)
        }))
    }
}

/// A user to create in Moodle.
pub struct NewUser<'a> {
    /// Login name (lowercase).
    pub username: &'a str,
    /// Given names.
    pub firstname: &'a str,
    /// Surnames.
    pub lastname: &'a str,
    /// E-mail (Moodle requires one, and sends the password to it).
    pub email: &'a str,
    /// sipe's document number: how the user is found again.
    pub idnumber: &'a str,
}
