//! Two languages: Simplified Chinese first, English on request. The choice is kept in
//! localStorage (it is not personal data) and mirrored on `<html lang>` for screen readers.

use leptos::prelude::*;

/// A piece of UI text in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

const STORAGE_KEY: &str = "lang";

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language in force for the current reactive owner (Chinese when none is provided).
    pub fn current() -> Lang {
        use_context::<RwSignal<Lang>>()
            .map(|s| s.get())
            .unwrap_or(Lang::Zh)
    }

    pub fn pick(self, text: Text) -> &'static str {
        match self {
            Lang::Zh => text.zh,
            Lang::En => text.en,
        }
    }
}

/// Reads the text in the current language; call it inside a reactive closure.
pub fn t(text: Text) -> &'static str {
    Lang::current().pick(text)
}

/// `t` for text written where it is used.
pub fn tr(zh: &'static str, en: &'static str) -> &'static str {
    Lang::current().pick(Text { zh, en })
}

/// The current language's half of a server or domain message written "中文 / English".
pub fn bi(message: &str) -> String {
    match (message.split_once(" / "), Lang::current()) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => message.to_string(),
    }
}

/// A date as the current language writes it.
pub fn date(d: domain::Date) -> String {
    match Lang::current() {
        Lang::Zh => d.chinese(),
        Lang::En => d.to_string(),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn set_html_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.code());
    }
}

/// Provides the language signal to the whole app, initialised from the stored choice.
pub fn provide_lang() {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let initial = match stored.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let lang = RwSignal::new(initial);
    Effect::new(move |_| {
        let l = lang.get();
        set_html_lang(l);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, l.code());
        }
    });
    provide_context(lang);
}

/// The button that switches language. It names the language it switches *to*, in that language.
#[component]
pub fn LangToggle() -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>();
    let toggle = move |_| {
        if let Some(l) = lang {
            l.update(|l| {
                *l = match l {
                    Lang::Zh => Lang::En,
                    Lang::En => Lang::Zh,
                }
            });
        }
    };
    view! {
        <button type="button" class="lang-toggle" id="lang-toggle" on:click=toggle>
            {move || t(SWITCH_LANG)}
        </button>
    }
}

pub const SITE_NAME: Text = Text {
    zh: "计生证件网上办",
    en: "Family-Planning Certificates Online",
};
pub const SWITCH_LANG: Text = Text {
    zh: "English",
    en: "中文",
};
pub const TAGLINE: Text = Text {
    zh: "网上申请、审核、查询生育相关证件：缺什么材料一次告知，全程免费，最多跑一次。",
    en: "Apply for, track and check family-planning certificates online: everything missing is told at once, free of charge, one visit at most.",
};
pub const SERVICES_HEADING: Text = Text {
    zh: "可办理的事项",
    en: "Services",
};
pub const FOOTER_FREE: Text = Text {
    zh: "所有事项均不收取任何费用。",
    en: "Every service is free of charge.",
};
pub const HEALTH_CHECKING: Text = Text {
    zh: "服务器状态：正在连接…",
    en: "Server status: connecting…",
};
pub const HEALTH_OK: Text = Text {
    zh: "服务器状态：正常",
    en: "Server status: OK",
};
pub const HEALTH_DOWN: Text = Text {
    zh: "服务器状态：无法连接，请稍后再试",
    en: "Server status: unreachable, please try again later",
};
pub const NOT_FOUND: Text = Text {
    zh: "页面不存在",
    en: "Page not found",
};
pub const BACK_HOME: Text = Text {
    zh: "返回首页",
    en: "Back to the home page",
};
pub const START_CHECK: Text = Text {
    zh: "检查是否符合条件并申请",
    en: "Check eligibility and apply",
};
pub const READ_GUIDE: Text = Text {
    zh: "办事指南",
    en: "Service guide",
};
pub const TRACK_HEADING: Text = Text {
    zh: "查询办理进度",
    en: "Track an application",
};
pub const TRACK_INTRO: Text = Text {
    zh: "凭受理编号和查询码查看进度、截止日期，补正被退回的材料。",
    en: "See progress and due dates with your case number and access code, and add what a return asks for.",
};
pub const TRACK_LINK: Text = Text {
    zh: "查询进度",
    en: "Track",
};
pub const BACK: Text = Text {
    zh: "返回上一步",
    en: "Back",
};
pub const CONTINUE: Text = Text {
    zh: "继续",
    en: "Continue",
};
