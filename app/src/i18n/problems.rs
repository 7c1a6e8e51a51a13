//! Every [`Problem`] in zh-TW and English: rendered from the typed value, never translated back
//! from a sentence (the old catalogue, `errors.rs`, serves only [`Problem::Text`] until the last
//! use case is converted).

use super::Locale;
use crate::domain::admin::{AdminError, ContactField};
use crate::domain::auth::AuthProblem;
use crate::domain::calendar::{CalendarError, HoursError};
use crate::domain::comparison::{band_en, band_zh, ComparisonError, MatchFailure, QueryError};
use crate::domain::liaison::LiaisonError;
use crate::domain::problem::Problem;
use crate::domain::register::RegisterError;
use crate::domain::report::MonthError;
use crate::domain::report_view::ReportError;
use crate::domain::request_view::RequestError;
use crate::domain::review_view::{ListField, ReviewError, LINES_MAX, LINE_MAX, OPINION_MAX};
use crate::domain::role::{RoleUnitError, UnknownRole};
use crate::domain::seal::SealError;
use crate::domain::security_view::SecurityError;
use crate::domain::upload::UploadError;
use crate::domain::{CaseNumberError, EmployeeNoError, NationalIdError, PasswordProblem, RocDateError};

/// The problem in the reader's language.
pub fn problem_text(p: &Problem, l: Locale) -> String {
    match p {
        Problem::NationalId(e) => national_id(*e, l).into(),
        Problem::EmployeeNo(e) => employee_no(*e, l).into(),
        Problem::CaseNumber(e) => case_number(*e, l).into(),
        Problem::RocDate(e) => roc_date(*e, l).into(),
        Problem::Comparison(e) => comparison(e, l),
        Problem::Upload(e) => upload(e, l),
        Problem::Seal(e) => seal(e, l),
        Problem::Calendar(e) => calendar(*e, l),
        Problem::Register(e) => register(*e, l).into(),
        Problem::Report(e) => report(*e, l).into(),
        Problem::Auth(e) => auth(e, l),
        Problem::Admin(e) => admin(e, l),
        Problem::Request(e) => request(e, l),
        Problem::Liaison(e) => liaison(e, l),
        Problem::Review(e) => review(e, l),
        Problem::Security(e) => security(e, l),
        Problem::Text(s) => match l {
            Locale::ZhTw => s.clone(),
            Locale::En => super::errors::en(s),
        },
    }
}

pub fn national_id(e: NationalIdError, l: Locale) -> &'static str {
    match e {
        NationalIdError::Format => l.pick(
            "身分證統一編號須為 1 個英文字母加 9 位數字",
            "The national ID number must be 1 letter followed by 9 digits",
        ),
        NationalIdError::SecondDigit => l.pick(
            "第 2 碼須為 1、2（國民）或 8、9（居留證）",
            "The 2nd character must be 1 or 2 (citizen) or 8 or 9 (resident certificate)",
        ),
        NationalIdError::Checksum => {
            l.pick("身分證統一編號檢查碼不符", "The national ID number's check digit does not match")
        }
    }
}

pub fn employee_no(e: EmployeeNoError, l: Locale) -> &'static str {
    match e {
        EmployeeNoError::Format => {
            l.pick("員工編號須為 4 至 12 個英文字母或數字", "The employee number must be 4 to 12 letters or digits")
        }
    }
}

pub fn case_number(e: CaseNumberError, l: Locale) -> &'static str {
    match e {
        CaseNumberError::Empty => l.pick("請輸入案號", "Please enter the case number"),
        CaseNumberError::Year => {
            l.pick("案號年度須為民國 1 至 999 年", "The case number's year must be ROC year 1 to 999")
        }
        CaseNumberError::Word => l.pick(
            "案號的「字」須為 1 至 10 個字，不含數字或符號",
            "The “Word” part of the case number must be 1 to 10 characters, without digits or symbols",
        ),
        CaseNumberError::Number => {
            l.pick("案號的「號」須為 1 至 10 位數字", "The “Number” part of the case number must be 1 to 10 digits")
        }
        CaseNumberError::FreeForm => l.pick(
            "案號過長（最多 60 字）或含控制字元",
            "The case number is too long (at most 60 characters) or contains control characters",
        ),
    }
}

pub fn roc_date(e: RocDateError, l: Locale) -> &'static str {
    match e {
        RocDateError::Format => l.pick(
            "日期格式不正確，請輸入如 115/11/26 或 民國115年11月26日",
            "Invalid date: enter an ROC date such as 115/11/26 or 民國115年11月26日",
        ),
        RocDateError::NoSuchDay => l.pick("沒有這一天", "There is no such day"),
        RocDateError::BeforeRoc => l.pick("民國年須在 1 年之後", "The ROC year must be 1 or later"),
    }
}

/// One field of the look-up form.
pub fn query(e: QueryError, l: Locale) -> &'static str {
    match e {
        QueryError::BusinessType => l.pick("請選擇業務類別", "Please choose the business type"),
        QueryError::CaseNumber(e) => case_number(e, l),
        QueryError::NationalId(e) => national_id(e, l),
        QueryError::PersonName => l.pick(
            "姓名最多 40 字且不可含控制字元",
            "The name must be at most 40 characters, without control characters",
        ),
    }
}

/// An uploaded image refused.
pub fn upload(e: &UploadError, l: Locale) -> String {
    match e {
        UploadError::Empty => l.pick("未收到影像檔", "No image file was received").into(),
        UploadError::TooLarge { size_kb, max_kb } => match l {
            Locale::ZhTw => format!("檔案過大（{size_kb} KB），上限為 {max_kb} KB"),
            Locale::En => format!("The file is too large ({size_kb} KB); the limit is {max_kb} KB"),
        },
        UploadError::NotImage => l
            .pick(
                "檔案不是 PNG、JPEG、TIFF 或單頁掃描之 PDF 影像",
                "The file is not a PNG, JPEG, TIFF or single-scan PDF image",
            )
            .into(),
        UploadError::Corrupt => l.pick("影像損毀或無法讀取", "The image is damaged or cannot be read").into(),
        UploadError::Truncated => l
            .pick(
                "檔案不完整（傳輸或存檔中斷），請重新掃描或重新選擇檔案",
                "The file is incomplete (transfer or saving was interrupted); scan again or choose the file again",
            )
            .into(),
        UploadError::Grayscale => l
            .pick(
                "此為灰階或黑白掃描，無法分辨紅色印文：請以彩色掃描印文",
                "This is a greyscale or black-and-white scan, in which red ink cannot be told apart: scan the seal in colour",
            )
            .into(),
        UploadError::BeyondMatcher => l
            .pick(
                "影像超過比對上限（20 MB、4,000 萬像素），請以較低解析度重新掃描",
                "The image is beyond what can be compared (20 MB, 40 million pixels); scan again at a lower resolution",
            )
            .into(),
        UploadError::TooManyPixels { width, height, max } => match l {
            Locale::ZhTw => format!("影像像素過多（{width}×{height}），上限為 {max} 萬像素"),
            Locale::En => format!("The image has too many pixels ({width}×{height}); the limit is {max}0,000 pixels"),
        },
        UploadError::TooLargeDecoded { mb, max_mb } => match l {
            Locale::ZhTw => format!("影像解碼後過大（{mb} MB），上限為 {max_mb} MB；請以 8 位元灰階或彩色、較低解析度掃描"),
            Locale::En => format!(
                "The decoded image is too large ({mb} MB; the limit is {max_mb} MB): scan in 8-bit colour at a lower resolution"
            ),
        },
        UploadError::Infected(name) => match l {
            Locale::ZhTw => format!("檔案含有惡意程式（{name}），已拒收"),
            Locale::En => format!("The file contains malware ({name}) and was refused"),
        },
        UploadError::ScanUnavailable => l
            .pick(
                "病毒掃描服務無法使用，暫時無法上傳；請稍後再試或通知資訊室",
                "The malware scanner is unavailable, so uploads are refused for now; try again later or tell the IT office",
            )
            .into(),
    }
}

/// Why the server's matcher could not judge an image.
pub fn match_failure(e: MatchFailure, l: Locale) -> &'static str {
    match e {
        MatchFailure::UnsupportedFormat => {
            l.pick("不是 PNG、JPEG、TIFF 或單頁掃描之 PDF 影像", "not a PNG, JPEG, TIFF or single-scan PDF image")
        }
        MatchFailure::Empty => l.pick("影像是空的", "the image is empty"),
        MatchFailure::TooLarge => l.pick("影像過大", "the image is too large"),
        MatchFailure::NoRedInk => l.pick("影像中找不到紅色印文", "no red seal impression was found in the image"),
        MatchFailure::Corrupt => l.pick("影像損毀", "the image is damaged"),
        MatchFailure::InvalidOption => l.pick("比對參數錯誤", "invalid comparison settings"),
        MatchFailure::Grayscale => l.pick("請以彩色掃描印文", "scan the seal in colour"),
        MatchFailure::Truncated => l.pick("檔案不完整", "the file is incomplete"),
    }
}

/// What the comparison use cases refuse.
pub fn comparison(e: &ComparisonError, l: Locale) -> String {
    match e {
        ComparisonError::Query { errors } => {
            let sep = l.pick("；", "; ");
            errors.iter().map(|e| query(*e, l)).collect::<Vec<_>>().join(sep)
        }
        ComparisonError::NoRegisteredSeal => l
            .pick(
                "此身分證統一編號沒有登記印鑑，無法比對",
                "There is no registered seal for this national ID number: nothing to compare with",
            )
            .into(),
        ComparisonError::AlreadySubmitted => l
            .pick(
                "此查詢已送出比對結果；紀錄不可修改，只能加註",
                "This look-up's result was already submitted; records cannot be changed, only annotated",
            )
            .into(),
        ComparisonError::SubmitInProgress => {
            l.pick("此查詢的比對結果正在送出中", "This look-up's result is being submitted right now").into()
        }
        ComparisonError::CommentTooLong => {
            l.pick("說明最多 1000 字", "The explanation must be at most 1000 characters").into()
        }
        ComparisonError::ImageEncoding => {
            l.pick("影像資料格式錯誤，請重新選擇檔案", "The image data is malformed; choose the file again").into()
        }
        ComparisonError::SubmissionForm => l
            .pick("送出的比對資料格式錯誤，請重新整理頁面後再試", "The submission is malformed; reload the page and try again")
            .into(),
        ComparisonError::Upload { error } => upload(error, l),
        ComparisonError::Unmatchable { failure } => match l {
            Locale::ZhTw => format!("伺服器無法比對此影像：{}", match_failure(*failure, l)),
            Locale::En => format!("The server cannot compare this image: {}", match_failure(*failure, l)),
        },
        ComparisonError::DiscrepancyNeedsComment { server_band, server_score, browser_band, browser_score } => match l {
            Locale::ZhTw => format!(
                "瀏覽器與伺服器的比對結果不一致（伺服器：{} {server_score:.3}；瀏覽器：{} {browser_score:.3}），請於說明欄填寫理由後再送出",
                band_zh(*server_band),
                band_zh(*browser_band),
            ),
            Locale::En => format!(
                "The browser's and the server's results differ (server: {} {server_score:.3}; browser: {} {browser_score:.3}); give the reason in the explanation and submit again",
                band_en(*server_band),
                band_en(*browser_band),
            ),
        },
        ComparisonError::MatchOverInconsistentNeedsComment => l
            .pick(
                "系統判定「不符」而您判定「相符」，請於說明欄填寫理由",
                "The system judged “Inconsistent” and you decided “Match”: give the reason in the explanation",
            )
            .into(),
        ComparisonError::NoteText => l
            .pick("請輸入加註內容（最多 1000 字）", "Enter the annotation (at most 1000 characters)")
            .into(),
    }
}

/// What the registered-seal registry refuses.
pub fn seal(e: &SealError, l: Locale) -> String {
    match e {
        SealError::NationalId { error } => national_id(*error, l).into(),
        SealError::Reason => l
            .pick("請選擇上傳原因（新登記或印模重建）", "Choose why the impression is uploaded (new registration or rebuild)")
            .into(),
        SealError::RegisteredOn { error } => match l {
            Locale::ZhTw => format!("印鑑登記日期：{}", roc_date(*error, l)),
            Locale::En => format!("Seal registration date: {}", roc_date(*error, l)),
        },
        SealError::PersonName => l
            .pick("姓名最多 40 字且不可含控制字元", "The name must be at most 40 characters, without control characters")
            .into(),
        SealError::NoteTooLong => l.pick("備註最多 500 字", "The note must be at most 500 characters").into(),
        SealError::NothingToRebuild => l
            .pick(
                "此人尚無登記印鑑，無法辦理印模重建；請選擇「新登記」",
                "This person has no registered seal yet, so the impression cannot be rebuilt; please choose “New registration”",
            )
            .into(),
        SealError::ImageEncoding => {
            l.pick("影像資料格式錯誤，請重新選擇檔案", "The image data is malformed; choose the file again").into()
        }
        SealError::Upload { error } => upload(error, l),
        SealError::NoRedInk => l
            .pick("影像中找不到紅色印模，請確認掃描檔", "No red seal impression was found in the image; check the scan")
            .into(),
    }
}

/// What the working-time calendar refuses.
pub fn calendar(e: CalendarError, l: Locale) -> String {
    match e {
        CalendarError::Date(e) => roc_date(e, l).into(),
        CalendarError::DayKind => l.pick("請選擇放假或補班", "Choose holiday or make-up working day").into(),
        CalendarError::DayName => l.pick("請輸入名稱（最多 40 字）", "Enter the name (at most 40 characters)").into(),
        CalendarError::Hours(HoursError::Format) => {
            l.pick("上班時間格式應為 HH:MM", "Office hours must be written as HH:MM").into()
        }
        CalendarError::Hours(HoursError::Order) => {
            l.pick("下班時間須晚於上班時間", "The end of office hours must be after the start").into()
        }
    }
}

/// What the account register refuses.
pub fn register(e: RegisterError, l: Locale) -> &'static str {
    match e {
        RegisterError::ExportFormat => l.pick("匯出格式須為 CSV 或 XLSX", "The export format must be CSV or XLSX"),
    }
}

/// Roles a unit may not hold: what its kind may never hold, and what only named units may.
pub fn role_unit(e: &RoleUnitError, l: Locale) -> String {
    let mut parts = Vec::new();
    if !e.not_for_kind.is_empty() {
        let names: Vec<&str> = e.not_for_kind.iter().map(|r| l.pick(r.zh(), r.en())).collect();
        parts.push(match l {
            Locale::ZhTw => format!("{}的帳號不能申請或持有這些權限：{}", e.kind.zh(), names.join("、")),
            Locale::En => {
                format!("Accounts of a {} cannot request or hold these roles: {}", e.kind.en(), names.join(", "))
            }
        });
    }
    if !e.only_named.is_empty() {
        let notes: Vec<&str> = e
            .only_named
            .iter()
            .filter_map(|r| match l {
                Locale::ZhTw => r.only_in_zh(),
                Locale::En => r.only_in_en(),
            })
            .collect();
        parts.push(match l {
            Locale::ZhTw => format!("這些權限只能由指定單位的帳號持有：{}", notes.join("、")),
            Locale::En => format!("These roles belong to named units only: {}", notes.join(", ")),
        });
    }
    parts.join(l.pick("；", "; "))
}

pub fn admin(e: &AdminError, l: Locale) -> String {
    let s = |zh: &'static str, en: &'static str| l.pick(zh, en).to_string();
    match e {
        AdminError::UnknownRole(UnknownRole(code)) => match l {
            Locale::ZhTw => format!("沒有這個角色：{code}"),
            Locale::En => format!("There is no such role: {code}"),
        },
        AdminError::OwnAccount => s(
            "不可變更自己的帳號；請由其他管理者辦理",
            "You cannot change your own account; please ask another administrator",
        ),
        AdminError::Name => s("請輸入使用者姓名（最多 40 字）", "Please enter the user's name (at most 40 characters)"),
        AdminError::NoRoles => s("請至少選擇一個角色", "Please choose at least one role"),
        AdminError::NoSuchUnit => s("沒有這個單位", "There is no such unit"),
        AdminError::UnitInactive => s("單位已停用", "The unit is disabled"),
        AdminError::RolesForUnit(e) => role_unit(e, l),
        AdminError::DuplicateEmployeeNo => s(
            "此員工編號已有帳號（使用者帳號重複）",
            "This employee number already has an account (duplicate user account)",
        ),
        AdminError::DisableReason => s("請輸入停用原因", "Please enter the reason for disabling"),
        AdminError::NoSuchDesignation => s("沒有這種指定", "There is no such designation"),
        AdminError::SelfDesignation => s("不可指定自己", "You cannot designate yourself"),
        AdminError::DisabledAccount => s("帳號已停用，不能指定", "The account is disabled and cannot be designated"),
        AdminError::ValidFrom(e) => format!("{}{}", l.pick("起日：", "Start date: "), roc_date(*e, l)),
        AdminError::ValidToMissing => {
            s("請填寫迄日（指定期間最長一年）", "Please enter the end date (a designation lasts at most one year)")
        }
        AdminError::ValidTo(e) => format!("{}{}", l.pick("迄日：", "End date: "), roc_date(*e, l)),
        AdminError::EndBeforeStart => s("迄日不可早於起日", "The end date cannot be earlier than the start date"),
        AdminError::OverAYear => s("指定期間最長一年", "A designation lasts at most one year"),
        AdminError::DesignationEnded => s("此指定已結束", "This designation has already ended"),
        AdminError::ContactNumber(f) => {
            let (zh, en) = match f {
                ContactField::Phone => ("電話", "The phone number"),
                ContactField::Fax => ("傳真", "The fax number"),
            };
            match l {
                Locale::ZhTw => format!("{zh}格式不正確（數字、括號、連字號，最多 30 字）"),
                Locale::En => format!("{en} is not valid (digits, brackets and hyphens; at most 30 characters)"),
            }
        }
    }
}

/// A rule of the password policy the new password breaks (also shown as it is typed).
pub fn password(p: PasswordProblem, l: Locale) -> String {
    match (p, l) {
        (PasswordProblem::TooShort(n), Locale::ZhTw) => format!("密碼至少需 {n} 個字元"),
        (PasswordProblem::TooShort(n), Locale::En) => format!("The password must be at least {n} characters long"),
        (PasswordProblem::TooFewClasses(n), Locale::ZhTw) => {
            format!("密碼需包含大寫字母、小寫字母、數字、符號其中 {n} 類")
        }
        (PasswordProblem::TooFewClasses(n), Locale::En) => {
            format!("The password must contain {n} of these: upper-case letters, lower-case letters, digits, symbols")
        }
        (PasswordProblem::ContainsEmployeeNo, _) => {
            l.pick("密碼不可包含員工編號", "The password must not contain your employee number").into()
        }
        (PasswordProblem::ContainsName, _) => {
            l.pick("密碼不可包含姓名", "The password must not contain your name").into()
        }
    }
}

pub fn auth(e: &AuthProblem, l: Locale) -> String {
    match e {
        AuthProblem::MissingCredentials => {
            l.pick("請輸入員工編號與密碼", "Please enter your employee number and password").into()
        }
        AuthProblem::UnitInactive => l
            .pick(
                "所屬單位已停用，帳號無法登入；請洽系統管理者",
                "Your unit has been disabled, so the account cannot sign in; please contact the system administrator",
            )
            .into(),
        AuthProblem::OneTimeExpired => l
            .pick(
                "一次性密碼已逾 24 小時未使用而失效；請洽帳號管理者重新設定",
                "The one-time password expired after 24 hours unused; please ask your account manager for a new one",
            )
            .into(),
        AuthProblem::PasswordsDiffer => l.pick("兩次輸入的新密碼不一致", "The two new passwords differ").into(),
        AuthProblem::CurrentPasswordWrong => l.pick("目前密碼不正確", "The current password is wrong").into(),
        AuthProblem::Password(p) => password(*p, l),
        AuthProblem::TooSoon { days } => match l {
            Locale::ZhTw => format!("密碼變更後 {days} 天內不得再次變更"),
            Locale::En => format!("The password cannot be changed again within {days} days of the last change"),
        },
        AuthProblem::Reused { count } => match l {
            Locale::ZhTw => format!("新密碼不可與最近 {count} 次使用過的密碼相同"),
            Locale::En => format!("The new password must differ from your last {count} passwords"),
        },
    }
}

pub fn month(e: MonthError, l: Locale) -> &'static str {
    match e {
        MonthError::Format => {
            l.pick("月份格式不正確（例：2026-11 或 115/11）", "Invalid month (e.g. 2026-11 or 115/11)")
        }
    }
}

pub fn report(e: ReportError, l: Locale) -> &'static str {
    match e {
        ReportError::Month(e) => month(e, l),
        ReportError::FutureMonth => {
            l.pick("不能產製未來月份的報表", "A report cannot be produced for a future month")
        }
        ReportError::OwnLookups => l.pick(
            "本報表含您本人的查詢紀錄，依規定應由其他主管或授權人核閱",
            "This report includes your own queries; under the rules another supervisor or delegate must review it",
        ),
        ReportError::MonthNotOver => l.pick(
            "本月尚未結束，報表僅供預覽；月份結束後由系統重新產製全月報表，再行核閱",
            "The month is not over, so the report is only a preview; when the month ends the system regenerates the full-month report, which is then reviewed",
        ),
        ReportError::Preview => l.pick(
            "此報表是月中產製的預覽，未含全月查詢紀錄；請重新產製後再核閱",
            "This report is a preview made during the month and lacks the rest of the month's queries; please regenerate it before reviewing",
        ),
        ReportError::Stale => l.pick(
            "報表已核閱或已重新產製，請重新整理後再試",
            "The report has already been reviewed or regenerated; please refresh and try again",
        ),
        ReportError::Comment => {
            l.pick("核閱意見最多 1000 字", "The review comment can be at most 1000 characters")
        }
        ReportError::ExportFormat => l.pick("匯出格式須為 CSV 或 XLSX", "The export format must be CSV or XLSX"),
    }
}

/// What the account change requests' use cases refuse.
pub fn request(e: &RequestError, l: Locale) -> String {
    let s = |zh: &'static str, en: &'static str| l.pick(zh, en).to_string();
    match e {
        // the form parser's words (zh-TW) until the forms' field errors are typed; the English
        // comes from the catalogue, message by message
        RequestError::Form { messages } => match l {
            Locale::ZhTw => messages.join("；"),
            Locale::En => messages.iter().map(|m| super::errors::en(m)).collect::<Vec<_>>().join("; "),
        },
        RequestError::NoActiveAccount => s("查無此員工編號的有效帳號", "No active account has this employee number"),
        RequestError::OtherUnit => s(
            "只能為本單位的同仁申請異動或註銷",
            "You can only request a change or cancellation for colleagues in your own unit",
        ),
        RequestError::NoSuchUnit { code } => match l {
            Locale::ZhTw => format!("沒有這個單位：{code}"),
            Locale::En => format!("There is no such unit: {code}"),
        },
        RequestError::RolesForUnit(e) => role_unit(e, l),
        RequestError::Duplicate => s(
            "使用者帳號重複：此員工編號已有有效帳號或尚在辦理中的新增申請",
            "Duplicate user account: this employee number already has an active account or a pending request for one",
        ),
        RequestError::From(e) => format!("{}{}", l.pick("起日：", "Start date: "), roc_date(*e, l)),
        RequestError::To(e) => format!("{}{}", l.pick("迄日：", "End date: "), roc_date(*e, l)),
        RequestError::NoSuchState => s("沒有這個狀態", "There is no such status"),
        RequestError::OwnEndorse => {
            s("不可核章自己申請或與自己有關的申請單", "You cannot endorse a request you filed or that concerns you")
        }
        RequestError::OwnReview => {
            s("不可審核自己申請或與自己有關的申請單", "You cannot review a request you filed or that concerns you")
        }
        RequestError::Closed => s("申請單已結案", "The request is already closed"),
        RequestError::Decision => s("請選擇提供或不提供", "Please choose Provide or Decline"),
        RequestError::DeclineReason => s("請選擇不提供的原因", "Please choose the reason for declining"),
        RequestError::OtherReasonText => s("請說明其他原因", "Please explain the other reason"),
        RequestError::EffectiveFormat => s("異動時間格式錯誤", "The effective time is not valid"),
        RequestError::EffectivePast => s("異動時間不可早於現在", "The effective time cannot be in the past"),
        // the reason as the store recorded it on the request (zh-TW); its English from the
        // catalogue until the store's reasons are typed
        RequestError::NotApplied { why } => match l {
            Locale::ZhTw => format!("已核准，但未能生效：{why}（本申請已結案）"),
            Locale::En => {
                format!(
                    "Approved, but it could not take effect: {} (this request is now closed)",
                    super::errors::en(why)
                )
            }
        },
        RequestError::Stale => {
            s("申請單狀態已變更，請重新整理後再試", "The request's status has changed; please refresh and try again")
        }
        RequestError::OwnAccount => s("不可停用自己的帳號", "You cannot disable your own account"),
        RequestError::RevokeReason => s("請選擇停用原因", "Please choose the reason for disabling"),
    }
}

/// What the liaison slips' use cases refuse.
pub fn liaison(e: &LiaisonError, l: Locale) -> String {
    match e {
        // the form parser's words (zh-TW) until the forms' field errors are typed; the English
        // comes from the catalogue, message by message
        LiaisonError::Form { messages } => match l {
            Locale::ZhTw => messages.join("；"),
            Locale::En => messages.iter().map(|m| super::errors::en(m)).collect::<Vec<_>>().join("; "),
        },
        LiaisonError::NotAnOffice => l
            .pick(
                "收件單位須為臺北市各區戶政事務所",
                "The recipient must be one of the Taipei City district household registration offices",
            )
            .into(),
        LiaisonError::SameDates { date } => match l {
            Locale::ZhTw => format!("兩系統的登記日期相同（印鑑比對系統：{}），無須聯繫", date.long()),
            Locale::En => format!(
                "Both systems have the same registration date (seal comparison system: ROC {}); no liaison is needed",
                roc_numeric(*date)
            ),
        },
        LiaisonError::IdNotAsQuery => l
            .pick("聯繫單的身分證統一編號須與所依據的查詢相同", "The slip's national ID must be the one its look-up was for")
            .into(),
        LiaisonError::Stale => l
            .pick("聯繫單狀態已變更，請重新整理後再試", "The liaison slip's status has changed; please refresh and try again")
            .into(),
        LiaisonError::NoteTooLong => {
            l.pick("說明最多 500 字", "The explanation can be at most 500 characters").into()
        }
        LiaisonError::UnknownState => l.pick("沒有這個狀態", "There is no such status").into(),
        LiaisonError::Date { error } => roc_date(*error, l).into(),
        LiaisonError::OwnSlip => l
            .pick("不可核准自己填寫的聯繫單", "You cannot approve a liaison slip you filled in yourself")
            .into(),
        LiaisonError::ReturnNeedsReason => {
            l.pick("退回請說明原因", "Please give the reason for returning the slip").into()
        }
        LiaisonError::AlreadyReceived => l
            .pick(
                "戶政事務所已收件，無法撤銷",
                "The household registration office has already received the slip, so it cannot be cancelled",
            )
            .into(),
        LiaisonError::NotAwaitingReply => l
            .pick("此聯繫單已回復或已撤銷", "This liaison slip has already been answered or cancelled")
            .into(),
        LiaisonError::OtherOffice => l
            .pick(
                "此人的印鑑登記於其他戶政事務所，本所無法重建或更正；請回復「其他」並說明",
                "This person's seal is registered at another household registration office, so this office cannot rebuild or correct it; please reply “Other” and explain",
            )
            .into(),
        LiaisonError::ImageEncoding => l
            .pick("影像資料格式錯誤，請重新選擇檔案", "The image data is malformed; please choose the file again")
            .into(),
        LiaisonError::RebuiltNeedsImage => l
            .pick(
                "印模已完成重建：請同時上傳重建後的印模影像",
                "Impression rebuilt: please upload the rebuilt impression image with the reply",
            )
            .into(),
        LiaisonError::Upload { error } => upload(error, l),
        LiaisonError::NoRedInk => l
            .pick("影像中找不到紅色印模，請確認掃描檔", "No red seal impression was found in the image; please check the scan")
            .into(),
        LiaisonError::NothingToCorrect => l
            .pick(
                "此人尚無登記印鑑，無法更正登記日期",
                "This person has no registered seal yet, so the registration date cannot be corrected",
            )
            .into(),
    }
}

/// A form's field errors as the form's parser words them (zh-TW, joined with `；`) until the
/// forms' field errors are typed; the English comes from the catalogue, message by message.
fn form_messages(messages: &[String], l: Locale) -> String {
    match l {
        Locale::ZhTw => messages.join("；"),
        Locale::En => messages.iter().map(|m| super::errors::en(m)).collect::<Vec<_>>().join("; "),
    }
}

/// What the permission reviews' and hand-overs' use cases refuse.
pub fn review(e: &ReviewError, l: Locale) -> String {
    let field = |f: &ListField| match f {
        ListField::Pending => l.pick("待辦事項", "Pending items"),
        ListField::Documents => l.pick("保管文件", "Documents in custody"),
    };
    match e {
        ReviewError::Signed => {
            l.pick("此次審查已簽核，不能再變更", "This review has been signed off and can no longer be changed").into()
        }
        ReviewError::NoDecision => l.pick("請選擇維持或異動", "Please choose Keep or Change").into(),
        ReviewError::AlreadyChanged => l
            .pick("此帳號已標記異動並開立申請單", "This account is already marked for change with a request opened")
            .into(),
        ReviewError::NoteTooLong { max } => match l {
            Locale::ZhTw => format!("備註最多 {max} 字"),
            Locale::En => format!("The note can be at most {max} characters"),
        },
        ReviewError::Stale => l
            .pick(
                "此項目已由他人處理或審查已簽核，請重新整理",
                "Someone else has handled this item or the review has been signed off; please refresh",
            )
            .into(),
        ReviewError::AccountDisabled => {
            l.pick("此帳號已停用，請標記為異動", "This account is disabled; please mark it as Change").into()
        }
        ReviewError::NotLinkable => l
            .pick(
                "只能連結此帳號在辦理中的異動或註銷申請單",
                "Only a pending change or cancellation request for this account can be linked",
            )
            .into(),
        ReviewError::NoChangeKind => l
            .pick("請選擇異動（變更權限）或註銷", "Please choose Change (change the roles) or Cancel the account")
            .into(),
        ReviewError::Form { messages } => form_messages(messages, l),
        ReviewError::SameRoles => l
            .pick(
                "新的申請權限與現有權限相同；不需異動請標記維持",
                "The requested roles are the same as the current ones; if nothing changes, please mark it Keep",
            )
            .into(),
        ReviewError::AlreadySigned => l.pick("此次審查已簽核", "This review has already been signed off").into(),
        ReviewError::OpinionTooLong => match l {
            Locale::ZhTw => format!("審查意見最多 {OPINION_MAX} 字"),
            Locale::En => format!("The review remarks can be at most {OPINION_MAX} characters"),
        },
        ReviewError::Undecided { count } => match l {
            Locale::ZhTw => format!("尚有 {count} 個帳號未標記維持或異動，不能簽核"),
            Locale::En => {
                format!("{count} account(s) are not yet marked Keep or Change, so the review cannot be signed off")
            }
        },
        ReviewError::SignStale => l
            .pick(
                "審查已簽核或有帳號尚未標記，請重新整理",
                "The review has been signed off or some accounts are not marked yet; please refresh",
            )
            .into(),
        ReviewError::NoSuchUnit { code } => match l {
            Locale::ZhTw => format!("沒有這個單位：{code}"),
            Locale::En => format!("There is no such unit: {code}"),
        },
        ReviewError::OutgoingNotOfUnit => {
            l.pick("移交人須為該單位的帳號", "The outgoing account manager must be an account of that unit").into()
        }
        ReviewError::OutgoingRequired => l
            .pick(
                "請填寫移交人（原通行碼管理者）的員工編號",
                "Please enter the employee number of the outgoing (former) account manager",
            )
            .into(),
        ReviewError::IncomingNotOfUnit => {
            l.pick("接辦人須為同一單位的有效帳號", "The successor must be an active account of the same unit").into()
        }
        ReviewError::SameIncoming => l
            .pick("接辦人不可與移交人相同", "The successor cannot be the same person as the outgoing account manager")
            .into(),
        ReviewError::TooManyLines { field: f } => match l {
            Locale::ZhTw => format!("{}最多 {LINES_MAX} 行", field(f)),
            Locale::En => format!("{} can have at most {LINES_MAX} lines", field(f)),
        },
        ReviewError::LineTooLong { field: f } => match l {
            Locale::ZhTw => format!("{}每行最多 {LINE_MAX} 字", field(f)),
            Locale::En => format!("{}: each line can be at most {LINE_MAX} characters", field(f)),
        },
        ReviewError::HandoverClosed => l
            .pick(
                "此移交清冊已確認，或已由較新的清冊取代",
                "This hand-over list has already been acknowledged, or a newer list has replaced it",
            )
            .into(),
    }
}

/// What the register of security duties' use cases refuse.
pub fn security(e: &SecurityError, l: Locale) -> String {
    match e {
        SecurityError::Form { messages } => form_messages(messages, l),
        SecurityError::NoticeOnlyForOs => l
            .pick(
                "通知民政局之風險控制措施僅適用於作業系統停止服務",
                "A risk-control plan notified to the Department of Civil Affairs applies only to the operating system end-of-support duty",
            )
            .into(),
        SecurityError::AlreadyDone => l.pick("此項工作已登錄完成", "This duty has already been recorded as done").into(),
    }
}

/// An ROC date as English text writes it: `108/3/14`.
fn roc_numeric(d: crate::domain::RocDate) -> String {
    use chrono::Datelike;
    let g = d.gregorian();
    format!("{}/{}/{}", d.roc_year(), g.month(), g.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    fn every_liaison_error() -> Vec<LiaisonError> {
        let date = crate::domain::RocDate::parse("108/03/14").unwrap();
        vec![
            LiaisonError::Form {
                messages: vec!["請填寫聯繫日期".into(), "身分證統一編號檢查碼不符".into()]
            },
            LiaisonError::NotAnOffice,
            LiaisonError::SameDates { date },
            LiaisonError::IdNotAsQuery,
            LiaisonError::Stale,
            LiaisonError::NoteTooLong,
            LiaisonError::UnknownState,
            LiaisonError::Date { error: RocDateError::NoSuchDay },
            LiaisonError::OwnSlip,
            LiaisonError::ReturnNeedsReason,
            LiaisonError::AlreadyReceived,
            LiaisonError::NotAwaitingReply,
            LiaisonError::OtherOffice,
            LiaisonError::ImageEncoding,
            LiaisonError::RebuiltNeedsImage,
            LiaisonError::Upload { error: UploadError::Grayscale },
            LiaisonError::NoRedInk,
            LiaisonError::NothingToCorrect,
        ]
    }

    fn every_review_error() -> Vec<ReviewError> {
        vec![
            ReviewError::Signed,
            ReviewError::NoDecision,
            ReviewError::AlreadyChanged,
            ReviewError::NoteTooLong { max: 200 },
            ReviewError::Stale,
            ReviewError::AccountDisabled,
            ReviewError::NotLinkable,
            ReviewError::NoChangeKind,
            ReviewError::Form {
                messages: vec!["請填寫公務信箱（gov.taipei）".into(), "請填寫異動原因".into()]
            },
            ReviewError::SameRoles,
            ReviewError::AlreadySigned,
            ReviewError::OpinionTooLong,
            ReviewError::Undecided { count: 3 },
            ReviewError::SignStale,
            ReviewError::NoSuchUnit { code: "LO-XX".into() },
            ReviewError::OutgoingNotOfUnit,
            ReviewError::OutgoingRequired,
            ReviewError::IncomingNotOfUnit,
            ReviewError::SameIncoming,
            ReviewError::TooManyLines { field: ListField::Pending },
            ReviewError::TooManyLines { field: ListField::Documents },
            ReviewError::LineTooLong { field: ListField::Pending },
            ReviewError::LineTooLong { field: ListField::Documents },
            ReviewError::HandoverClosed,
        ]
    }

    fn every_security_error() -> Vec<SecurityError> {
        vec![
            SecurityError::Form { messages: vec!["請選擇工作項目".into(), "請填寫期限".into()] },
            SecurityError::NoticeOnlyForOs,
            SecurityError::AlreadyDone,
        ]
    }

    /// The review, hand-over and security-register refusals read as they did when the api built
    /// the sentences (the pages, the browser tests and the English catalogue matched these words).
    #[test]
    fn review_and_security_problems_keep_their_words() {
        let zh = |p: Problem| problem_text(&p, Locale::ZhTw);
        let en = |p: Problem| problem_text(&p, Locale::En);
        assert_eq!(zh(ReviewError::NoteTooLong { max: 200 }.into()), "備註最多 200 字");
        assert_eq!(zh(ReviewError::NoteTooLong { max: 500 }.into()), "備註最多 500 字");
        assert_eq!(zh(ReviewError::OpinionTooLong.into()), "審查意見最多 500 字");
        assert_eq!(zh(ReviewError::Undecided { count: 3 }.into()), "尚有 3 個帳號未標記維持或異動，不能簽核");
        assert_eq!(
            en(ReviewError::Undecided { count: 3 }.into()),
            "3 account(s) are not yet marked Keep or Change, so the review cannot be signed off"
        );
        assert_eq!(zh(ReviewError::NoSuchUnit { code: "LO-XX".into() }.into()), "沒有這個單位：LO-XX");
        assert_eq!(zh(ReviewError::TooManyLines { field: ListField::Pending }.into()), "待辦事項最多 50 行");
        assert_eq!(zh(ReviewError::LineTooLong { field: ListField::Documents }.into()), "保管文件每行最多 200 字");
        assert_eq!(
            en(ReviewError::LineTooLong { field: ListField::Documents }.into()),
            "Documents in custody: each line can be at most 200 characters"
        );
        assert_eq!(zh(ReviewError::SameRoles.into()), "新的申請權限與現有權限相同；不需異動請標記維持");
        let form = SecurityError::Form { messages: vec!["請選擇工作項目".into(), "請填寫期限".into()] };
        assert_eq!(zh(form.clone().into()), "請選擇工作項目；請填寫期限");
        assert_eq!(en(form.into()), "Please choose the duty; Please enter the due date");
        assert_eq!(zh(SecurityError::AlreadyDone.into()), "此項工作已登錄完成");
        // distinct words for distinct refusals, both languages
        let all: Vec<Problem> = every_review_error()
            .into_iter()
            .map(Problem::from)
            .chain(every_security_error().into_iter().map(Problem::from))
            .collect();
        let words: std::collections::BTreeSet<String> = all.iter().map(|p| zh(p.clone())).collect();
        assert_eq!(words.len(), all.len());
        for p in all {
            let (z, n) = (zh(p.clone()), en(p.clone()));
            assert!(has_cjk(&z) && !has_cjk(&n), "{p:?}: {z} / {n}");
        }
    }

    /// The liaison refusals read as they did when the api built the sentences (the pages and the
    /// browser tests match these words).
    #[test]
    fn liaison_problems_keep_their_words() {
        let zh = |e: LiaisonError| problem_text(&Problem::from(e), Locale::ZhTw);
        let en = |e: LiaisonError| problem_text(&Problem::from(e), Locale::En);
        let date = crate::domain::RocDate::parse("108/03/14").unwrap();
        assert_eq!(
            zh(LiaisonError::SameDates { date }),
            "兩系統的登記日期相同（印鑑比對系統：民國 108 年 3 月 14 日），無須聯繫"
        );
        assert_eq!(
            en(LiaisonError::SameDates { date }),
            "Both systems have the same registration date (seal comparison system: ROC 108/3/14); no liaison is needed"
        );
        assert_eq!(zh(LiaisonError::RebuiltNeedsImage), "印模已完成重建：請同時上傳重建後的印模影像");
        let form = LiaisonError::Form {
            messages: vec!["請填寫聯繫日期".into(), "身分證統一編號檢查碼不符".into()]
        };
        assert_eq!(zh(form.clone()), "請填寫聯繫日期；身分證統一編號檢查碼不符");
        assert_eq!(en(form), "Contact date is required; The national ID number's check digit does not match");
        assert_eq!(en(LiaisonError::Date { error: RocDateError::NoSuchDay }), "There is no such day");
        // every variant, both languages, and distinct words for distinct refusals
        let all = every_liaison_error();
        let words: std::collections::BTreeSet<String> = all.iter().map(|e| zh(e.clone())).collect();
        assert_eq!(words.len(), all.len());
        for e in all {
            let (z, n) = (zh(e.clone()), en(e.clone()));
            assert!(!z.is_empty() && !n.is_empty(), "{e:?}");
            assert!(has_cjk(&z) && !has_cjk(&n), "{e:?}: {z} / {n}");
        }
    }

    /// Every typed problem, both languages: zh-TW in Chinese, English without a Chinese
    /// character (but for the example of an ROC date, which is written in Chinese).
    #[test]
    fn every_typed_problem_renders_in_both_languages() {
        let all: Vec<Problem> = [NationalIdError::Format, NationalIdError::SecondDigit, NationalIdError::Checksum]
            .into_iter()
            .map(Problem::from)
            .chain([EmployeeNoError::Format].into_iter().map(Problem::from))
            .chain(
                [
                    CaseNumberError::Empty,
                    CaseNumberError::Year,
                    CaseNumberError::Word,
                    CaseNumberError::Number,
                    CaseNumberError::FreeForm,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [RocDateError::Format, RocDateError::NoSuchDay, RocDateError::BeforeRoc].into_iter().map(Problem::from),
            )
            .chain(
                [
                    UploadError::Empty,
                    UploadError::TooLarge { size_kb: 20_000, max_kb: 10_240 },
                    UploadError::NotImage,
                    UploadError::Corrupt,
                    UploadError::Truncated,
                    UploadError::Grayscale,
                    UploadError::BeyondMatcher,
                    UploadError::TooManyPixels { width: 9000, height: 9000, max: 4000 },
                    UploadError::TooLargeDecoded { mb: 300, max_mb: 96 },
                    UploadError::Infected("Eicar-Test-Signature".into()),
                    UploadError::ScanUnavailable,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [
                    ComparisonError::Query {
                        errors: vec![
                            QueryError::BusinessType,
                            QueryError::CaseNumber(CaseNumberError::Word),
                            QueryError::NationalId(NationalIdError::Checksum),
                            QueryError::PersonName,
                        ],
                    },
                    ComparisonError::NoRegisteredSeal,
                    ComparisonError::AlreadySubmitted,
                    ComparisonError::SubmitInProgress,
                    ComparisonError::CommentTooLong,
                    ComparisonError::ImageEncoding,
                    ComparisonError::SubmissionForm,
                    ComparisonError::Upload { error: UploadError::Grayscale },
                    ComparisonError::DiscrepancyNeedsComment {
                        server_band: matcher::Band::Review,
                        server_score: 0.812,
                        browser_band: matcher::Band::Consistent,
                        browser_score: 0.9,
                    },
                    ComparisonError::MatchOverInconsistentNeedsComment,
                    ComparisonError::NoteText,
                ]
                .into_iter()
                .chain(
                    [
                        MatchFailure::UnsupportedFormat,
                        MatchFailure::Empty,
                        MatchFailure::TooLarge,
                        MatchFailure::NoRedInk,
                        MatchFailure::Corrupt,
                        MatchFailure::InvalidOption,
                        MatchFailure::Grayscale,
                        MatchFailure::Truncated,
                    ]
                    .into_iter()
                    .map(|failure| ComparisonError::Unmatchable { failure }),
                )
                .map(Problem::from),
            )
            .chain(
                [
                    SealError::NationalId { error: NationalIdError::Format },
                    SealError::Reason,
                    SealError::RegisteredOn { error: RocDateError::NoSuchDay },
                    SealError::PersonName,
                    SealError::NoteTooLong,
                    SealError::NothingToRebuild,
                    SealError::ImageEncoding,
                    SealError::Upload { error: UploadError::Corrupt },
                    SealError::NoRedInk,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [
                    CalendarError::Date(RocDateError::Format),
                    CalendarError::DayKind,
                    CalendarError::DayName,
                    CalendarError::Hours(HoursError::Format),
                    CalendarError::Hours(HoursError::Order),
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain([Problem::from(RegisterError::ExportFormat)])
            .chain(
                [
                    ReportError::Month(MonthError::Format),
                    ReportError::FutureMonth,
                    ReportError::OwnLookups,
                    ReportError::MonthNotOver,
                    ReportError::Preview,
                    ReportError::Stale,
                    ReportError::Comment,
                    ReportError::ExportFormat,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [
                    AuthProblem::MissingCredentials,
                    AuthProblem::UnitInactive,
                    AuthProblem::OneTimeExpired,
                    AuthProblem::PasswordsDiffer,
                    AuthProblem::CurrentPasswordWrong,
                    AuthProblem::Password(PasswordProblem::TooShort(12)),
                    AuthProblem::Password(PasswordProblem::TooFewClasses(3)),
                    AuthProblem::Password(PasswordProblem::ContainsEmployeeNo),
                    AuthProblem::Password(PasswordProblem::ContainsName),
                    AuthProblem::TooSoon { days: 1 },
                    AuthProblem::Reused { count: 3 },
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [
                    AdminError::UnknownRole(UnknownRole("boss".into())),
                    AdminError::OwnAccount,
                    AdminError::Name,
                    AdminError::NoRoles,
                    AdminError::NoSuchUnit,
                    AdminError::UnitInactive,
                    AdminError::RolesForUnit(
                        crate::domain::Role::refused_in(
                            &[crate::domain::Role::Admin, crate::domain::Role::Ethics, crate::domain::Role::Clerk],
                            crate::domain::UnitKind::BureauSection,
                            "LA-SEC",
                        )
                        .unwrap_err(),
                    ),
                    AdminError::RolesForUnit(
                        crate::domain::Role::refused_in(
                            &[crate::domain::Role::Admin],
                            crate::domain::UnitKind::LandOffice,
                            "LO-DA",
                        )
                        .unwrap_err(),
                    ),
                    AdminError::DuplicateEmployeeNo,
                    AdminError::DisableReason,
                    AdminError::NoSuchDesignation,
                    AdminError::SelfDesignation,
                    AdminError::DisabledAccount,
                    AdminError::ValidFrom(RocDateError::NoSuchDay),
                    AdminError::ValidToMissing,
                    AdminError::ValidTo(RocDateError::Format),
                    AdminError::EndBeforeStart,
                    AdminError::OverAYear,
                    AdminError::DesignationEnded,
                    AdminError::ContactNumber(ContactField::Phone),
                    AdminError::ContactNumber(ContactField::Fax),
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(every_liaison_error().into_iter().map(Problem::from))
            .chain(every_review_error().into_iter().map(Problem::from))
            .chain(every_security_error().into_iter().map(Problem::from))
            .chain(
                [
                    RequestError::Form { messages: vec!["請填寫申請日期".into()] },
                    RequestError::NoActiveAccount,
                    RequestError::OtherUnit,
                    RequestError::NoSuchUnit { code: "LO-XX".into() },
                    RequestError::RolesForUnit(
                        crate::domain::Role::refused_in(
                            &[crate::domain::Role::Ethics],
                            crate::domain::UnitKind::LandOffice,
                            "LO-DA",
                        )
                        .unwrap_err(),
                    ),
                    RequestError::Duplicate,
                    RequestError::From(RocDateError::Format),
                    RequestError::To(RocDateError::NoSuchDay),
                    RequestError::NoSuchState,
                    RequestError::OwnEndorse,
                    RequestError::OwnReview,
                    RequestError::Closed,
                    RequestError::Decision,
                    RequestError::DeclineReason,
                    RequestError::OtherReasonText,
                    RequestError::EffectiveFormat,
                    RequestError::EffectivePast,
                    RequestError::NotApplied {
                        why: "查無有效帳號（已停用或註銷），無法異動".into()
                    },
                    RequestError::Stale,
                    RequestError::OwnAccount,
                    RequestError::RevokeReason,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .collect();
        for p in &all {
            let (zh, en) = (problem_text(p, Locale::ZhTw), problem_text(p, Locale::En));
            assert!(has_cjk(&zh), "{p:?}: {zh}");
            assert!(!has_cjk(&en.replace("民國115年11月26日", "")), "{p:?}: {en}");
            // it travels as data and comes back the same
            let back: Problem = serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap();
            assert_eq!(&back, p);
        }
        // the domain's own words and the rendering agree while both exist
        assert_eq!(
            problem_text(&Problem::from(NationalIdError::Checksum), Locale::ZhTw),
            NationalIdError::Checksum.to_string()
        );
    }
}
