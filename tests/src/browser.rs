//! Real headless Chromium driven over WebDriver (Debian's chromium and
//! chromedriver), with or without JavaScript, plus axe-core for
//! accessibility. Helpers are split as the leptos e2e examples do: `find`
//! locates things the way a person would (by label, by button text),
//! `action` does what a person does, `check` asserts what they would see.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::{free_port, root};

/// A chromedriver process and one browser session on it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Browser {
    pub async fn start(javascript: bool) -> Browser {
        let port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (apt package chromium-driver)");
        let profile = std::env::temp_dir().join(format!("lead-chromium-{}-{port}", std::process::id()));
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "args": args, "binary": "/usr/bin/chromium" }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        profile,
                    }
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not start a browser session: {last:?}");
    }

    /// Ends the browser session; dropping the `Browser` stops the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// Also runs when a test panics, so no chromedriver is left behind.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// XPath string literal for any text (handles both quote kinds).
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

pub mod find {
    use super::*;
    use fantoccini::elements::Element;

    /// The control a visible `<label>` names (text inputs, textareas).
    pub async fn field_by_label(c: &Client, label: &str) -> Element {
        let xpath = format!(
            "//label[starts-with(normalize-space(.), {})]",
            xpath_literal(label.trim())
        );
        let label_el = c
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("label {label:?}: {e}"));
        let id = label_el
            .attr("for")
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("label {label:?} has a for"));
        c.find(Locator::Id(&id))
            .await
            .unwrap_or_else(|e| panic!("control {id} for {label:?}: {e}"))
    }

    /// The radio button labelled `option` in the group whose legend is `question`.
    pub async fn radio(c: &Client, question: &str, option: &str) -> Element {
        let xpath = format!(
            "//fieldset[legend[contains(normalize-space(.), {})]]//label[normalize-space(.)={}]",
            xpath_literal(question.trim()),
            xpath_literal(option)
        );
        let label_el = c
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("option {option:?} of {question:?}: {e}"));
        let id = label_el
            .attr("for")
            .await
            .ok()
            .flatten()
            .expect("radio label has a for");
        c.find(Locator::Id(&id)).await.expect("the radio")
    }

    /// A visible button with this text.
    pub async fn button(c: &Client, text: &str) -> Element {
        for b in c
            .find_all(Locator::XPath(&format!(
                "//button[normalize-space(.)={}]",
                xpath_literal(text)
            )))
            .await
            .unwrap_or_default()
        {
            if b.is_displayed().await.unwrap_or(false) {
                return b;
            }
        }
        panic!("no visible button {text:?}");
    }

    /// The page's text; empty while the browser is between two documents
    /// (a form post followed by a redirect has a moment with no `<body>`),
    /// so a check that polls for text looks again.
    pub async fn body_text(c: &Client) -> String {
        match c.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The first `LEAD-XXXXX-XXXXX` on the page.
    pub async fn reference(c: &Client) -> Option<String> {
        let text = body_text(c).await;
        let at = text.find("LEAD-")?;
        let candidate: String = text[at..].chars().take(16).collect();
        lead_content::reference::Reference::parse(&candidate).map(|r| r.as_str().to_string())
    }
}

pub mod action {
    use super::*;

    pub async fn type_into(c: &Client, label: &str, text: &str) {
        let field = find::field_by_label(c, label).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub async fn choose(c: &Client, question: &str, option: &str) {
        let radio = find::radio(c, question, option).await;
        // Click the label as a person would; the input itself may be styled.
        let id = radio.attr("id").await.ok().flatten().expect("radio id");
        c.find(Locator::Css(&format!("label[for='{id}']")))
            .await
            .expect("label")
            .click()
            .await
            .expect("click");
    }

    pub async fn press(c: &Client, text: &str) {
        find::button(c, text).await.click().await.expect("click");
    }

    /// Opens an invitation link and signs in with it, as a person does.
    pub async fn sign_in_with(c: &Client, link: &str) {
        c.goto(link).await.expect("open the invitation link");
        press(c, "Sign in").await;
    }

    /// Presses keys as a keyboard does: they go to whatever has focus
    /// (WebDriver key actions, not typing into a chosen element).
    pub async fn keys(c: &Client, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        c.perform_actions(actions).await.expect("key presses");
    }

    /// Moves focus with Tab until the focused element satisfies the
    /// JavaScript condition `is_target` (on `el`).
    /// Shift+Tab: focus one step back.
    pub async fn shift_tab(c: &Client) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let (shift, tab) = (char::from(Key::Shift), char::from(Key::Tab));
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab })
            .then(KeyAction::Up { value: shift });
        c.perform_actions(actions).await.expect("Shift+Tab");
    }

    pub async fn tab_to(c: &Client, what: &str, is_target: &str) {
        let mut visited = Vec::new();
        for _ in 0..60 {
            keys(c, &fantoccini::key::Key::Tab.to_string()).await;
            let script = format!(
                "const el = document.activeElement; \
                 return [!!({is_target}), el.tagName + '#' + el.id + ' ' + (el.textContent || '').trim().slice(0, 20)];"
            );
            let answer = c.execute(&script, vec![]).await.expect("js");
            if answer[0] == Value::Bool(true) {
                return;
            }
            visited.push(answer[1].as_str().unwrap_or("").to_string());
        }
        panic!("Tab never reached {what}; focus went to: {visited:?}");
    }

    /// Tabs to the button with this text and presses Enter on it, then
    /// waits for the page to move focus on (to the next step's heading), as
    /// a person waits to see where they are before pressing Tab again.
    pub async fn press_with_keyboard(c: &Client, text: &str) {
        let is_button = format!(
            "el.tagName === 'BUTTON' && el.textContent.trim() === {}",
            serde_json::json!(text)
        );
        tab_to(c, text, &is_button).await;
        keys(c, &fantoccini::key::Key::Enter.to_string()).await;
        let moved_on = format!("const el = document.activeElement; return el !== document.body && !({is_button});");
        for _ in 0..50 {
            if c.execute(&moved_on, vec![]).await.expect("js") == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("pressing {text:?} did not move focus on");
    }
}

pub mod check {
    use super::*;

    /// Waits until the intake page in `lang` is hydrated: the wizard shows
    /// its progress on the first step.
    pub async fn hydrated(c: &Client, lang: lead_content::Lang) {
        hydrated_on(c, lang, 1).await;
    }

    /// Waits until the intake page in `lang` is hydrated on step `n`.
    pub async fn hydrated_on(c: &Client, lang: lead_content::Lang, n: usize) {
        let total = lead_content::intake().questions.steps.len() + 1;
        let progress = lead_content::intake()
            .copy
            .progress
            .get(lang)
            .replace("{n}", &n.to_string())
            .replace("{total}", &total.to_string());
        sees(c, &progress).await;
    }

    /// Waits until the page text contains `text`.
    pub async fn sees(c: &Client, text: &str) {
        for _ in 0..100 {
            if find::body_text(c).await.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("page never showed {text:?}; it shows:\n{}", find::body_text(c).await);
    }

    /// Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules) and returns the violations.
    pub async fn axe_violations(c: &Client) -> Vec<Value> {
        let axe = std::fs::read_to_string(root().join("node_modules/axe-core/axe.min.js"))
            .expect("axe-core is installed (npm)");
        c.execute(&axe, vec![]).await.expect("inject axe-core");
        let result = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => n.target.join(' ')) }))))
                   .catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                vec![],
            )
            .await
            .expect("axe runs");
        result.as_array().cloned().unwrap_or_default()
    }

    /// Checks a page as a browser without JavaScript shows it. A browser
    /// with scripts off cannot run axe-core, so the page's HTML (taken from
    /// that browser) is shown, scripts removed, in `js_client` on the same
    /// origin and checked there.
    pub async fn accessible_without_javascript(js_client: &Client, origin_url: &str, html: &str, what: &str) {
        let mut stripped = html.to_string();
        while let Some(start) = stripped.find("<script") {
            let end = stripped[start..]
                .find("</script>")
                .map(|e| start + e + "</script>".len())
                .unwrap_or(stripped.len());
            stripped.replace_range(start..end, "");
        }
        js_client.goto(origin_url).await.expect("open the origin");
        js_client
            .execute(
                "document.open(); document.write(arguments[0]); document.close();",
                vec![json!(stripped)],
            )
            .await
            .expect("show the page as it is without JavaScript");
        tokio::time::sleep(Duration::from_millis(300)).await;
        accessible(js_client, what).await;
    }

    pub async fn accessible(c: &Client, what: &str) {
        let violations = axe_violations(c).await;
        assert!(
            violations.is_empty(),
            "axe-core found violations on {what}: {}",
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }
}
