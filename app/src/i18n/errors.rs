//! English for the zh-TW messages the API reports as [`crate::error::ApiError::Invalid`]: the
//! literals of the api functions, the form parsers' field errors, and the `Display` texts of
//! the domain's error types. Shared by the browser and the server.
//!
//! An entry's zh may hold `{}` for text filled in at run time (`尚有 {} 個項目未填寫…`): a
//! message matches it when it has the literal parts in order with some text in each gap (never
//! containing `；`), and the gaps go into the English `{}` in the same order, themselves in
//! English when the catalogue knows them (a form label, a role, a date, an inner message; a list
//! joined with `、` item by item). Form errors come joined with `；` (`api::invalid_fields`):
//! each part is translated and the parts are joined with `; `. Text the catalogue does not know
//! comes back unchanged. The test below reads the sources and fails on a message without an entry.

/// Separates the messages of one form (`api::invalid_fields`).
const SEPARATOR: char = '；';
/// Separates the items of a list inside one message (role names, e-mail domains).
const LIST: char = '、';
/// The most gaps one entry has.
const MAX_GAPS: usize = 4;

/// (zh-TW, English). `{}` marks a gap (see the module's comment).
const CATALOGUE: &[(&str, &str)] = &[
    // ---- forms: templates built from a label (domain/forms/mod.rs, liaison_slip.rs) ----
    ("請填寫{}", "{} is required"),
    ("{}最多 {} 字，且不可含控制字元", "{} can be at most {} characters and must not contain control characters"),
    ("{}：{}", "{}: {}"),
    (
        "{}格式不正確（數字、括號、連字號，最多 30 字）",
        "{} is not valid (digits, brackets and hyphens; at most 30 characters)",
    ),
    // ---- form labels (the gaps of the templates above) ----
    ("佐證（報告、文號或紀錄）", "Evidence (report, document number or record)"),
    ("使用者中文姓名", "User's name (in Chinese)"),
    ("傳真電話", "Fax number"),
    ("其他事項說明", "Explanation of the “Other” subject"),
    ("其他回復說明", "Explanation of the “Other” reply"),
    ("印鑑登記當事人姓名", "Person's name"),
    ("戶役政資訊系統印鑑登記日期", "Seal registration date in the household registration system"),
    ("承辦人", "Handler"),
    ("承辦人員", "Handler"),
    ("機關名稱", "Agency"),
    ("異動原因", "Reason for the change"),
    ("異動後單位", "New unit"),
    ("科(課)室名稱", "Section"),
    ("稽核情形", "Audit findings"),
    ("聯絡電話", "Contact phone"),
    ("聯繫日期", "Contact date"),
    ("說明", "Description"),
    ("課(股)長", "Section chief"),
    ("電話", "Phone"),
    ("風險控制措施與後續處置規劃", "Risk controls and follow-up plan"),
    // ---- names that fill gaps: unit kinds, roles, designations, matcher bands, ROC dates ----
    ("地政局科室", "bureau section"),
    ("所屬機關", "subordinate agency"),
    ("地政事務所", "land office"),
    ("戶政事務所", "household registration office"),
    ("使用者", "clerk"),
    ("通行碼管理者", "account manager"),
    ("單位主管", "unit supervisor"),
    ("內部稽核", "internal auditor"),
    ("外部稽核", "external auditor"),
    ("政風", "ethics officer"),
    ("戶政事務所人員", "household registration office staff"),
    ("系統管理者", "system administrator"),
    ("職務代理人（通行碼管理）", "deputy account manager"),
    ("查詢資料產製專人", "query report producer"),
    ("主管授權人", "supervisor's delegate"),
    ("相符", "match"),
    ("待人工判斷", "needs manual review"),
    ("不符", "mismatch"),
    ("民國 {} 年 {} 月 {} 日", "ROC {}/{}/{}"),
    // ---- dates, numbers, IDs (domain) ----
    (
        "日期格式不正確，請輸入如 115/11/26 或 民國115年11月26日",
        "Invalid date: enter an ROC date such as 115/11/26 or 民國115年11月26日",
    ),
    ("沒有這一天", "There is no such day"),
    ("民國年須在 1 年之後", "The ROC year must be 1 or later"),
    ("身分證統一編號須為 1 個英文字母加 9 位數字", "The national ID number must be 1 letter followed by 9 digits"),
    (
        "第 2 碼須為 1、2（國民）或 8、9（居留證）",
        "The 2nd character must be 1 or 2 (citizen) or 8 or 9 (resident certificate)",
    ),
    ("身分證統一編號檢查碼不符", "The national ID number's check digit does not match"),
    ("請輸入案號", "Please enter the case number"),
    ("案號年度須為民國 1 至 999 年", "The case number's year must be ROC year 1 to 999"),
    (
        "案號的「字」須為 1 至 10 個字，不含數字或符號",
        "The “Word” part of the case number must be 1 to 10 characters, without digits or symbols",
    ),
    ("案號的「號」須為 1 至 10 位數字", "The “Number” part of the case number must be 1 to 10 digits"),
    (
        "案號過長（最多 60 字）或含控制字元",
        "The case number is too long (at most 60 characters) or contains control characters",
    ),
    ("員工編號須為 4 至 12 個英文字母或數字", "The employee number must be 4 to 12 letters or digits"),
    ("{}的帳號不能申請或持有這些權限：{}", "Accounts of a {} cannot request or hold these roles: {}"),
    ("這些權限只能由指定單位的帳號持有：{}", "These roles belong to named units only: {}"),
    ("系統管理者（限資訊室）", "administrator (IT Office only)"),
    ("政風（限政風室）", "ethics (Ethics Office only)"),
    (
        "外部稽核（限土地登記科/資訊室/政風室）",
        "external auditor (Land Registration Section, IT Office or Ethics Office only)",
    ),
    // ---- passwords ----
    // ---- image uploads ----
    // ---- seal comparison (api/comparisons.rs, domain/comparison.rs) ----
    // ---- registered seals (api/seals.rs) ----
    // ---- liaison slips (api/liaison.rs, domain/forms/liaison_slip.rs) ----
    ("請選擇收件的戶政事務所", "Please choose the receiving household registration office"),
    (
        "收件單位須為臺北市各區戶政事務所",
        "The recipient must be one of the Taipei City district household registration offices",
    ),
    ("請填寫發件單位聯絡電話", "Please enter the sending unit's contact phone"),
    ("分機須為 1 至 8 位數字", "The extension must be 1 to 8 digits"),
    ("請填寫身分證統一編號", "Please enter the national ID number"),
    ("請勾選查詢事項", "Please tick the subject of the inquiry"),
    ("印鑑比對系統登記日期：{}", "Registration date in the seal comparison system: {}"),
    ("兩系統的登記日期相同，無須聯繫", "Both systems have the same registration date; no liaison is needed"),
    ("請填寫聯絡電話", "Please enter the contact phone"),
    (
        "印模已完成重建：請同時上傳重建後的印模影像",
        "Impression rebuilt: please upload the rebuilt impression image with the reply",
    ),
    ("請勾選回復內容（印模已完成重建或其他）", "Please tick the reply (impression rebuilt, or other)"),
    // ---- security duties and calendar (api/security.rs, api/calendar.rs, domain/security_task.rs) ----
    ("請選擇工作項目", "Please choose the duty"),
    ("請填寫期限", "Please enter the due date"),
    ("請填寫完成日期", "Please enter the completion date"),
    ("完成日期不可晚於今天", "The completion date cannot be later than today"),
    // ---- audits (api/audits, domain/forms/internal_audit.rs, vendor_audit.rs) ----
    ("沒有這個稽核項目", "There is no such audit item"),
    ("請勾選符合、不符合或不適用", "Please tick Conforms, Does not conform or Not applicable"),
    ("不符合時請填寫稽核情形", "Please describe the findings for an item that does not conform"),
    ("請勾選符合或不符", "Please tick Conforms or Does not conform"),
    ("不符時請說明情形", "Please explain what was found for an item that does not conform"),
    // ---- account requests (api/accounts.rs, domain/forms/account_request.rs, server/store) ----
    ("請選擇申請事項（新增、異動或註銷）", "Please choose the request type (create, change or cancel)"),
    ("請填寫申請日期", "Please enter the application date"),
    ("請填寫使用者帳號（員工編號）", "Please enter the user account (employee number)"),
    ("請填寫 E-Mail 公務信箱", "Please enter the official e-mail address"),
    ("E-Mail 格式不正確", "The e-mail address is not valid"),
    ("請填寫公務信箱（{}）", "Please enter an official e-mail address ({})"),
    ("沒有這個角色：{}", "There is no such role: {}"),
    ("新增帳號須勾選申請權限", "A new account needs at least one requested role ticked"),
    ("異動須勾選新的申請權限，或選擇異動後單位", "A change needs the new requested roles ticked, or a new unit chosen"),
    (
        "使用者帳號重複：此員工編號已有有效帳號",
        "Duplicate user account: this employee number already has an active account",
    ),
    (
        "查無有效帳號（已停用或註銷），無法異動",
        "There is no active account (it was disabled or cancelled), so it cannot be changed",
    ),
    (
        "查無有效帳號（已停用或註銷），無須註銷",
        "There is no active account (it was disabled or cancelled), so there is nothing to cancel",
    ),
    // ---- administration (api/admin.rs) ----
];

/// The English of a message the API reported in zh-TW; the message itself when the catalogue
/// does not know it.
pub fn en(zh: &str) -> String {
    match one(zh) {
        Some(s) => s,
        None if zh.contains(SEPARATOR) => joined(zh),
        None => zh.to_string(),
    }
}

/// Messages joined with `；`, part by part; a part is the longest run of `；`-separated pieces the
/// catalogue knows (some messages contain `；` themselves), else one piece unchanged.
fn joined(zh: &str) -> String {
    let mut out = String::with_capacity(zh.len() * 2);
    let mut known = false;
    let mut rest = zh;
    for n in 0.. {
        let ends = std::iter::once(rest.len()).chain(rest.rmatch_indices(SEPARATOR).map(|(i, _)| i));
        let mut part = None;
        for end in ends {
            if let Some(s) = one(&rest[..end]) {
                part = Some((end, s));
                break;
            }
        }
        if n > 0 {
            out.push_str("; ");
        }
        let end = match part {
            Some((end, s)) => {
                known = true;
                out.push_str(&s);
                end
            }
            None => {
                let end = rest.find(SEPARATOR).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                end
            }
        };
        if end == rest.len() {
            break;
        }
        rest = &rest[end + SEPARATOR.len_utf8()..];
    }
    if known {
        out
    } else {
        zh.to_string()
    }
}

/// One message: an exact entry, else the matching template with the most literal text.
fn one(msg: &str) -> Option<String> {
    if msg.is_empty() {
        return None;
    }
    if let Some((_, e)) = CATALOGUE.iter().find(|(z, _)| *z == msg) {
        return Some((*e).to_string());
    }
    let mut best: Option<(usize, &str, [&str; MAX_GAPS])> = None;
    for (z, e) in CATALOGUE {
        let holes = z.matches("{}").count();
        let literal = z.len() - 2 * holes;
        if holes == 0 || literal == 0 || best.is_some_and(|(l, ..)| l >= literal) {
            continue;
        }
        let Some(gaps) = gaps(z, msg) else { continue };
        // A template of punctuation only (`{}：{}`) matches only when it knows the gaps' words.
        if !has_chinese(z) && !gaps[..holes].iter().all(|g| gap_en(g, &mut String::new())) {
            continue;
        }
        best = Some((literal, e, gaps));
    }
    let (_, e, gaps) = best?;
    let mut out = String::with_capacity(e.len() + msg.len());
    for (i, piece) in e.split("{}").enumerate() {
        if i > 0 {
            gap_en(gaps.get(i - 1).copied().unwrap_or(""), &mut out);
        }
        out.push_str(piece);
    }
    Some(out)
}

/// The gaps of `msg` in `template`: the literal parts in order (the first at the start, the last
/// at the end), each gap at least one character and without `；`.
fn gaps<'m>(template: &str, msg: &'m str) -> Option<[&'m str; MAX_GAPS]> {
    let mut pieces = template.split("{}");
    let mut rest = msg.strip_prefix(pieces.next()?)?;
    let mut out = [""; MAX_GAPS];
    let mut pieces = pieces.enumerate().peekable();
    while let Some((n, piece)) = pieces.next() {
        let slot = out.get_mut(n)?;
        let first = rest.chars().next()?.len_utf8();
        let end = if pieces.peek().is_none() {
            if rest.len() < first + piece.len() || !rest.ends_with(piece) {
                return None;
            }
            rest.len() - piece.len()
        } else if piece.is_empty() {
            return None; // `{}{}`: no way to tell the gaps apart
        } else {
            first + rest[first..].find(piece)?
        };
        let gap = &rest[..end];
        if gap.contains(SEPARATOR) {
            return None;
        }
        *slot = gap;
        rest = &rest[end + piece.len()..];
    }
    Some(out)
}

/// Appends a gap's English (an entry, or a `、` list of entries, or the gap unchanged); false
/// when Chinese the catalogue does not know is left in it.
fn gap_en(gap: &str, out: &mut String) -> bool {
    if let Some(s) = one(gap) {
        out.push_str(&s);
        return true;
    }
    if !gap.contains(LIST) {
        out.push_str(gap);
        return !has_chinese(gap);
    }
    let mut known = true;
    for (i, item) in gap.split(LIST).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match one(item) {
            Some(s) => out.push_str(&s),
            None => {
                out.push_str(item);
                known &= !has_chinese(item);
            }
        }
    }
    known
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    #[test]
    fn exact_messages_translate() {
        assert_eq!(en("請填寫聯絡電話"), "Please enter the contact phone");
    }

    #[test]
    fn templates_substitute_their_gaps_in_order() {
        // the gaps are themselves translated: labels, inner messages, names, dates, lists
        assert_eq!(en("請填寫聯繫日期"), "Contact date is required");
        assert_eq!(
            en("承辦人最多 40 字，且不可含控制字元"),
            "Handler can be at most 40 characters and must not contain control characters"
        );
        assert_eq!(en("聯繫日期：沒有這一天"), "Contact date: There is no such day");
        assert_eq!(
            en("地政事務所的帳號不能申請或持有這些權限：系統管理者、政風"),
            "Accounts of a land office cannot request or hold these roles: system administrator, ethics officer"
        );
        assert_eq!(
            en("請填寫公務信箱（gov.taipei、mail.taipei.gov.tw）"),
            "Please enter an official e-mail address (gov.taipei, mail.taipei.gov.tw)"
        );
        assert_eq!(
            en("查無有效帳號（已停用或註銷），無法異動"),
            "There is no active account (it was disabled or cancelled), so it cannot be changed"
        );
        // a gap the catalogue does not know stays as it is
        assert_eq!(en("請填寫某個新欄位"), "某個新欄位 is required");
    }

    #[test]
    fn joined_messages_translate_part_by_part() {
        assert_eq!(
            en("請填寫聯繫日期；身分證統一編號檢查碼不符"),
            "Contact date is required; The national ID number's check digit does not match"
        );
    }

    #[test]
    fn unknown_text_comes_back_unchanged() {
        for m in [
            "",
            "還不知道的訊息",
            "還不知道；也不知道",
            "某人：還不知道",
            "請填寫",
            "{}",
            "{}：{}",
            "；",
            "；；",
            "、",
            "：",
            "plain ASCII",
        ] {
            let e = en(m);
            if m.starts_with('{') {
                continue; // a template's own text may match itself; it only must not panic
            }
            assert_eq!(e, m);
        }
    }

    #[test]
    fn real_form_errors_come_out_in_english() {
        use crate::domain::forms::{account_request::AccountRequestInput, liaison_slip::*};
        let join =
            |e: Vec<crate::domain::forms::FieldError>| e.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；");
        let slip = LiaisonSlipInput {
            contact_date: "115/02/30".into(),
            sender_phone: "call me".into(),
            national_id: "A123456788".into(),
            handler: "x".repeat(41),
            subject: "date_mismatch".into(),
            household_date: "abc".into(),
            seal_date: "0/1/1".into(),
            ..Default::default()
        };
        let messages = [
            join(slip.parse().unwrap_err()),
            join(LiaisonSlipInput::default().parse().unwrap_err()),
            join(LiaisonReplyInput::default().parse().unwrap_err()),
            join(AccountRequestInput::default().parse(&["gov.taipei".into()]).unwrap_err()),
            join(
                AccountRequestInput { email: "x@example.org".into(), ..Default::default() }
                    .parse(&["gov.taipei".into(), "taipei.gov.tw".into()])
                    .unwrap_err(),
            ),
            crate::domain::Role::check_for_unit(
                &[crate::domain::Role::Admin, crate::domain::Role::Clerk],
                crate::domain::UnitKind::HouseholdOffice,
                "HR-DA",
            )
            .unwrap_err(),
            crate::domain::Role::check_for_unit(
                &[crate::domain::Role::Admin, crate::domain::Role::Ethics, crate::domain::Role::ExternalAuditor],
                crate::domain::UnitKind::BureauSection,
                "LA-SEC",
            )
            .unwrap_err(),
        ];
        for m in messages {
            let e = en(&m);
            assert!(!has_chinese(&e.replace("民國115年11月26日", "")), "{m}\n→ {e}");
            let api = crate::error::ApiError::Invalid(m.clone().into());
            assert_eq!(api.text(crate::i18n::Locale::En), e);
            assert_eq!(api.text(crate::i18n::Locale::ZhTw), m);
        }
    }

    #[test]
    fn entries_are_well_formed() {
        let mut seen = BTreeSet::new();
        for (zh, en) in CATALOGUE {
            assert!(seen.insert(*zh), "{zh:?} is catalogued twice");
            let holes = zh.matches("{}").count();
            assert_eq!(holes, en.matches("{}").count(), "{zh:?} → {en:?}: the English needs as many {{}} as the zh");
            assert!(holes <= MAX_GAPS, "{zh:?} has more than {MAX_GAPS} gaps");
            assert!(!zh.contains("{}{}"), "{zh:?}: two gaps side by side cannot be told apart");
            assert!(holes == 0 || zh.len() > 2 * holes, "{zh:?} is all gaps");
            assert_eq!(zh.trim(), *zh);
            assert_eq!(en.trim(), *en);
            assert!(!en.is_empty() && zh != en, "{zh:?} has no English");
            // English is English (the date example is what the user may type)
            assert!(!has_chinese(&en.replace("民國115年11月26日", "")), "{en:?} has Chinese in it");
        }
    }

    // ---- the sources ----

    /// Functions whose message is the second argument or whose label is a string argument.
    const HELPERS: &[&str] =
        &["required_text", "optional_text", "date_field", "phone_field", "phone_number", "lines", "day"];
    /// Functions that produce the text of a gap (names, dates, the matcher's reasons).
    const GAP_FNS: &[(&str, &str)] = &[
        ("domain/comparison.rs", "band_zh"),
        ("domain/role.rs", "zh"),
        ("domain/role.rs", "only_in"),
        ("domain/role.rs", "check_for_unit"),
        ("domain/unit.rs", "zh"),
        ("domain/roc_date.rs", "long"),
    ];

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Str(String),
        Ident(String),
        Punct(char),
    }

    fn is_ident(t: Option<&Tok>, name: &str) -> bool {
        matches!(t, Some(Tok::Ident(s)) if s == name)
    }
    fn is_punct(t: Option<&Tok>, c: char) -> bool {
        t == Some(&Tok::Punct(c))
    }

    /// Rust tokens, enough for string literals: comments dropped, escapes decoded, raw strings
    /// read, char literals told from lifetimes.
    fn lex(src: &str) -> Vec<Tok> {
        let s: Vec<char> = src.chars().collect();
        let at = |i: usize| s.get(i).copied().unwrap_or('\0');
        let mut t = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let c = s[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '/' && at(i + 1) == '/' {
                while i < s.len() && s[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && at(i + 1) == '*' {
                let mut depth = 0;
                while i < s.len() {
                    if s[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if s[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            } else if let Some(j) = raw_string_start(&s, i) {
                let hashes = j - i - if c == 'b' { 2 } else { 1 };
                let start = j + 1;
                let mut k = start;
                while k < s.len() && !(s[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#')) {
                    k += 1;
                }
                t.push(Tok::Str(s[start..k.min(s.len())].iter().collect()));
                i = k + 1 + hashes;
            } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
                let mut j = if c == 'b' { i + 2 } else { i + 1 };
                let mut buf = String::new();
                while j < s.len() && s[j] != '"' {
                    if s[j] != '\\' {
                        buf.push(s[j]);
                        j += 1;
                        continue;
                    }
                    let e = at(j + 1);
                    j += 2;
                    match e {
                        'n' => buf.push('\n'),
                        't' => buf.push('\t'),
                        'r' => buf.push('\r'),
                        '0' => buf.push('\0'),
                        '\n' => {
                            while j < s.len() && s[j].is_whitespace() {
                                j += 1;
                            }
                        }
                        'u' => {
                            let close = (j..s.len()).find(|&k| s[k] == '}').unwrap_or(s.len());
                            let hex: String = s[(j + 1).min(close)..close].iter().collect();
                            buf.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            j = close + 1;
                        }
                        'x' => {
                            let hex: String = s[j.min(s.len())..(j + 2).min(s.len())].iter().collect();
                            buf.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            j += 2;
                        }
                        other => buf.push(other),
                    }
                }
                t.push(Tok::Str(buf));
                i = j + 1;
            } else if c == '\'' {
                // a char literal ('x', '\n', '\u{..}') or a lifetime / label
                if at(i + 1) == '\\' {
                    let mut j = i + 3;
                    while j < s.len() && s[j] != '\'' {
                        j += 1;
                    }
                    i = j + 1;
                } else if at(i + 2) == '\'' {
                    i += 3;
                } else {
                    i += 1;
                }
                t.push(Tok::Punct('\''));
            } else if c.is_ascii_alphanumeric() || c == '_' {
                let mut j = i;
                while j < s.len() && (s[j].is_ascii_alphanumeric() || s[j] == '_') {
                    j += 1;
                }
                t.push(Tok::Ident(s[i..j].iter().collect()));
                i = j;
            } else {
                t.push(Tok::Punct(c));
                i += 1;
            }
        }
        t
    }

    /// Where the opening quote of a raw string starting at `i` is (`r"`, `r#"`, `br"`).
    fn raw_string_start(s: &[char], i: usize) -> Option<usize> {
        let mut j = match (s.get(i), s.get(i + 1)) {
            (Some('r'), _) => i + 1,
            (Some('b'), Some('r')) => i + 2,
            _ => return None,
        };
        while s.get(j) == Some(&'#') {
            j += 1;
        }
        (s.get(j) == Some(&'"')).then_some(j)
    }

    /// The tokens without `#[cfg(test)] mod … { … }`.
    fn without_tests(t: Vec<Tok>) -> Vec<Tok> {
        let cfg_test = [
            Tok::Punct('#'),
            Tok::Punct('['),
            Tok::Ident("cfg".into()),
            Tok::Punct('('),
            Tok::Ident("test".into()),
            Tok::Punct(')'),
            Tok::Punct(']'),
        ];
        let mut out = Vec::with_capacity(t.len());
        let mut i = 0;
        while i < t.len() {
            let mod_at = (i + cfg_test.len()..t.len()).find(|&k| !is_ident(t.get(k), "pub"));
            if t[i..].starts_with(&cfg_test) && mod_at.is_some_and(|k| is_ident(t.get(k), "mod")) {
                let mut j = mod_at.unwrap_or(i);
                while j < t.len() && !is_punct(t.get(j), '{') && !is_punct(t.get(j), ';') {
                    j += 1;
                }
                if is_punct(t.get(j), '{') {
                    j = close(&t, j);
                }
                i = j + 1;
                continue;
            }
            out.push(t[i].clone());
            i += 1;
        }
        out
    }

    /// The index of the bracket closing the one at `open`.
    fn close(t: &[Tok], open: usize) -> usize {
        let mut depth = 0usize;
        for (j, tok) in t.iter().enumerate().skip(open) {
            match tok {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
        }
        t.len()
    }

    /// `{name}`, `{}`, `{x:?}`, `{:.3}` → `{}`.
    fn placeholders(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                    out.push_str("{}");
                }
                c => out.push(c),
            }
        }
        out
    }

    /// A message for people: Chinese in it, or a template of full-width punctuation (`{}：{}`).
    fn is_message(s: &str) -> bool {
        has_chinese(s)
            || (s.contains("{}") && s.chars().any(|c| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')))
    }

    #[derive(Debug, Default)]
    struct Found {
        files: BTreeSet<String>,
        /// Concatenated with `+` (a piece of a message).
        piece: bool,
    }

    /// The string literals inside the brackets opening at `open` (a `format!` string or an
    /// `#[error]` text with its placeholders as `{}`).
    fn literals(t: &[Tok], open: usize, format: bool, out: &mut Vec<(String, bool)>) {
        let end = close(t, open).min(t.len());
        for j in open..end {
            let Tok::Str(s) = &t[j] else { continue };
            let is_format = format
                || (j >= 3
                    && is_ident(t.get(j - 3), "format")
                    && is_punct(t.get(j - 2), '!')
                    && is_punct(t.get(j - 1), '('));
            let text = if is_format { placeholders(s) } else { s.clone() };
            let piece = is_punct(t.get(j - 1), '+')
                || is_punct(t.get(j + 1), '+')
                || (is_punct(t.get(j + 1), '.') && is_punct(t.get(j + 3), '(') && is_punct(t.get(j + 5), '+'));
            out.push((text, piece));
        }
    }

    fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> =
            std::fs::read_dir(dir).expect("read app/src").map(|e| e.expect("dir entry").path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                rs_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    /// Every message in app/src (outside tests, this catalogue and error.rs): the literals given
    /// to `ApiError::Invalid(….into())` and `FieldError::new(…)` anywhere; in api/, domain/ and server/
    /// also those given to `Err(…)`, to `#[error(…)]`, to the label helpers, and returned by a
    /// closure in domain/ and server/; and the names of [`GAP_FNS`].
    fn messages() -> BTreeMap<String, Found> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rs_files(&src, &mut files);
        let mut found: BTreeMap<String, Found> = BTreeMap::new();
        let mut gap_fns_seen = BTreeSet::new();
        for path in files {
            let rel = path.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
            if rel.starts_with("i18n/") || rel == "error.rs" {
                continue;
            }
            let t = without_tests(lex(&std::fs::read_to_string(&path).expect("read source")));
            let backend = ["api/", "domain/", "server/"].iter().any(|d| rel.starts_with(d));
            let closures = rel.starts_with("domain/") || rel.starts_with("server/");
            let mut lits = Vec::new();
            for i in 0..t.len() {
                let path2 = |a: &str, b: &str| {
                    is_ident(t.get(i), a)
                        && is_punct(t.get(i + 1), ':')
                        && is_punct(t.get(i + 2), ':')
                        && is_ident(t.get(i + 3), b)
                        && is_punct(t.get(i + 4), '(')
                };
                if path2("ApiError", "Invalid") || path2("FieldError", "new") {
                    literals(&t, i + 4, false, &mut lits);
                } else if backend
                    && is_punct(t.get(i + 1), '(')
                    && (is_ident(t.get(i), "Err")
                        || (HELPERS.iter().any(|h| is_ident(t.get(i), h)) && !(i > 0 && is_ident(t.get(i - 1), "fn"))))
                {
                    literals(&t, i + 1, false, &mut lits);
                } else if backend
                    && is_punct(t.get(i), '#')
                    && is_punct(t.get(i + 1), '[')
                    && is_ident(t.get(i + 2), "error")
                    && is_punct(t.get(i + 3), '(')
                {
                    literals(&t, i + 3, true, &mut lits);
                } else if closures && is_punct(t.get(i), '|') {
                    // `|| "…".into()`, `|_| "…"`, not `|| "…".contains(c)`
                    if let Some(Tok::Str(s)) = t.get(i + 1) {
                        let method = is_punct(t.get(i + 2), '.');
                        if !method || ["to_string", "into", "to_owned"].iter().any(|m| is_ident(t.get(i + 3), m)) {
                            lits.push((s.clone(), false));
                        }
                    }
                }
                for (file, name) in GAP_FNS {
                    if rel == *file && is_ident(t.get(i), "fn") && is_ident(t.get(i + 1), name) {
                        gap_fns_seen.insert((*file, *name));
                        if let Some(open) = (i..t.len()).find(|&k| is_punct(t.get(k), '{')) {
                            literals(&t, open, false, &mut lits);
                        }
                    }
                }
            }
            for (text, piece) in lits {
                if is_message(&text) {
                    let f = found.entry(text).or_default();
                    f.files.insert(rel.clone());
                    f.piece |= piece;
                }
            }
        }
        for g in GAP_FNS {
            assert!(gap_fns_seen.contains(g), "fn {} not found in app/src/{}: update GAP_FNS", g.1, g.0);
        }
        found
    }

    fn catalogued(msg: &str, piece: bool) -> bool {
        CATALOGUE.iter().any(|(z, _)| *z == msg)
            || piece && CATALOGUE.iter().any(|(z, _)| z.contains("{}") && z.split("{}").any(|p| p == msg))
    }

    #[test]
    fn every_message_in_the_sources_has_english() {
        let found = messages();
        // fewer as the features move (#38): a floor that catches a scan that reads nothing
        assert!(found.len() > 60, "the scan found only {} messages: is it still reading the sources?", found.len());
        let missing: Vec<String> = found
            .iter()
            .filter(|(m, f)| !catalogued(m, f.piece))
            .map(|(m, f)| {
                format!("    (\"{m}\", \"…\"),  // {}", f.files.iter().cloned().collect::<Vec<_>>().join(", "))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "{} message(s) in app/src have no English in app/src/i18n/errors.rs:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn every_entry_is_used_in_the_sources() {
        let found = messages();
        let pieces: BTreeSet<&str> = found.iter().filter(|(_, f)| f.piece).map(|(m, _)| m.as_str()).collect();
        let unused: Vec<&str> = CATALOGUE
            .iter()
            .map(|(z, _)| *z)
            .filter(|z| !found.contains_key(*z))
            .filter(|z| !(z.contains("{}") && z.split("{}").filter(|p| !p.is_empty()).all(|p| pieces.contains(p))))
            .collect();
        assert!(unused.is_empty(), "catalogue entries no source produces (remove them):\n{}", unused.join("\n"));
    }
}
