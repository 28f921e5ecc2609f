//! What the load examples share: the form's anti-forgery token and the
//! sign-in.

/// The first `name="csrf"` value of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// Signs `c` in (the login page's token, then the form); the answer to the
/// form.
pub async fn sign_in(
    c: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> Result<reqwest::Response, reqwest::Error> {
    let page = c.get(format!("{base}/login")).send().await?.text().await?;
    let csrf = csrf_of(&page);
    c.post(format!("{base}/login"))
        .form(&[
            ("username", user),
            ("password", password),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
}
