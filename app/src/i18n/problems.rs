//! Every [`Problem`] in zh-TW and English, and every form field's problem: rendered from the
//! typed value, never translated back from a sentence.

use super::Locale;
use crate::domain::admin::{AdminError, ContactField};
use crate::domain::audit::AuditKind;
use crate::domain::audit_view::AuditError;
use crate::domain::auth::AuthProblem;
use crate::domain::calendar::{CalendarError, HoursError};
use crate::domain::comparison::{band_en, band_zh, ComparisonError, MatchFailure, QueryError};
use crate::domain::forms::{FieldError, FieldProblem, Label};
use crate::domain::liaison::LiaisonError;
use crate::domain::problem::Problem;
use crate::domain::register::RegisterError;
use crate::domain::report::MonthError;
use crate::domain::report_view::ReportError;
use crate::domain::request_view::RequestError;
use crate::domain::request_view::{NotAppliedReason, Superseded};
use crate::domain::review_view::{ListField, ReviewError, LINES_MAX, LINE_MAX, OPINION_MAX};
use crate::domain::role::{RoleUnitError, UnknownRole};
use crate::domain::seal::SealError;
use crate::domain::security_view::SecurityError;
use crate::domain::upload::UploadError;
use crate::domain::{CaseNumberError, EmployeeNoError, NationalIdError, PasswordProblem, RocDateError};

/// An API error as the reader is told it.
pub fn api_error(e: &crate::error::ApiError, l: Locale) -> String {
    use crate::error::ApiError;
    match e {
        ApiError::NotSignedIn => l.pick("請先登入", "Please sign in").into(),
        ApiError::PasswordChangeRequired => l.pick("請先變更密碼", "Please change your password first").into(),
        ApiError::AcknowledgementRequired => l
            .pick(
                "請先閱讀並確認公務使用及個人資料保護聲明",
                "Please read and acknowledge the notice on official use first",
            )
            .into(),
        ApiError::Forbidden => l.pick("您沒有執行此操作的權限", "You are not allowed to do this").into(),
        ApiError::BadCredentials => l.pick("員工編號或密碼錯誤", "Wrong employee number or password").into(),
        ApiError::Locked(t) => match l {
            Locale::ZhTw => format!("帳號已鎖定，請於 {t} 後再試"),
            Locale::En => format!("Account locked; try again after {t}"),
        },
        ApiError::RateLimited => l.pick("嘗試次數過多，請稍後再試", "Too many attempts; try again later").into(),
        ApiError::Invalid(p) => problem_text(p, l),
        ApiError::NotFound => l.pick("找不到資料", "Not found").into(),
        ApiError::Internal => l.pick("系統發生錯誤，請稍後再試", "Something went wrong; please try again").into(),
        ApiError::ServerFn(e) => match l {
            Locale::ZhTw => format!("連線或格式錯誤：{e}"),
            Locale::En => format!("Connection or format error: {e}"),
        },
    }
}

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
        Problem::Audit(e) => audit(e, l),
        Problem::Inbox(e) => super::work::inbox_error(*e, l).into(),
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
        RequestError::Form { errors } => fields(errors, l),
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
        RequestError::NotApplied { why } => match l {
            Locale::ZhTw => format!("已核准，但未能生效：{}（本申請已結案）", not_applied(why, l)),
            Locale::En => {
                format!("Approved, but it could not take effect: {} (this request is now closed)", not_applied(why, l))
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
        LiaisonError::Form { errors } => fields(errors, l),
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

/// Why an approved request could not take effect (the store checks again as it applies it).
pub fn not_applied(why: &NotAppliedReason, l: Locale) -> String {
    match why {
        NotAppliedReason::Roles(e) => role_unit(e, l),
        NotAppliedReason::Duplicate => l
            .pick(
                "使用者帳號重複：此員工編號已有有效帳號",
                "Duplicate user account: this employee number already has an active account",
            )
            .into(),
        NotAppliedReason::NoActiveAccount { cancel: false } => l
            .pick(
                "查無有效帳號（已停用或註銷），無法異動",
                "There is no active account (it was disabled or cancelled), so it cannot be changed",
            )
            .into(),
        NotAppliedReason::NoActiveAccount { cancel: true } => l
            .pick(
                "查無有效帳號（已停用或註銷），無須註銷",
                "There is no active account (it was disabled or cancelled); there is nothing to cancel",
            )
            .into(),
    }
}

/// Why an open request was closed as superseded.
pub fn superseded(why: Superseded, l: Locale) -> &'static str {
    match why {
        Superseded::AccountCancelled => l.pick("帳號已註銷", "The account was cancelled"),
        Superseded::AccountDisabled => l.pick("帳號已停用或註銷", "The account was disabled or cancelled"),
        Superseded::AnotherApplied => {
            l.pick("已由同一帳號之另一申請生效取代", "Another request for the same account took effect first")
        }
    }
}

/// The reason an account carries once a 註銷 request took effect: the form's own reason after
/// the word for it.
pub fn cancelled(reason: Option<&str>, l: Locale) -> String {
    format!("{}{}", l.pick("註銷：", "Cancelled: "), reason.unwrap_or_default())
}

/// A form's label as the paper form (zh-TW) and its English counterpart name it.
pub fn label(f: Label, l: Locale) -> &'static str {
    let (zh, en) = match f {
        Label::Finding => ("稽核情形", "Audit findings"),
        Label::AnswerNote => ("說明", "Explanation"),
        Label::Handler => ("承辦人", "Handler"),
        Label::SectionChief => ("課(股)長", "Section chief"),
        Label::PersonName => ("印鑑登記當事人姓名", "Person's name"),
        Label::OtherSubject => ("其他事項說明", "Explanation of the “Other” subject"),
        Label::ContactDate => ("聯繫日期", "Contact date"),
        Label::SenderPhone => ("發件單位聯絡電話", "Sender's contact phone"),
        Label::ContactPhone => ("聯絡電話", "Contact phone"),
        Label::Fax => ("傳真電話", "Fax number"),
        Label::NationalId => ("身分證統一編號", "National ID number"),
        Label::SealDate => ("印鑑比對系統登記日期", "Registration date in the seal comparison system"),
        Label::HouseholdDate => {
            ("戶役政資訊系統印鑑登記日期", "Seal registration date in the household registration system")
        }
        Label::ReplyHandler => ("承辦人員", "Handler"),
        Label::OtherReply => ("其他回復說明", "Explanation of the “Other” reply"),
        Label::AppliedOn => ("申請日期", "Date of application"),
        Label::Account => ("使用者帳號（員工編號）", "User account (employee number)"),
        Label::Email => ("E-Mail 公務信箱", "Official e-mail address"),
        Label::Reason => ("異動原因", "Reason for the change"),
        Label::Agency => ("機關名稱", "Agency"),
        Label::Section => ("科(課)室名稱", "Section"),
        Label::UserName => ("使用者中文姓名", "User's name (in Chinese)"),
        Label::Phone => ("電話", "Phone"),
        Label::TargetUnit => ("異動後單位", "New unit"),
        Label::TaskTitle => ("說明", "Description"),
        Label::DueOn => ("期限", "Due date"),
        Label::DoneOn => ("完成日期", "Completion date"),
        Label::Evidence => ("佐證（報告、文號或紀錄）", "Evidence (report, document number or record)"),
        Label::NoticePlan => ("風險控制措施與後續處置規劃", "Risk controls and follow-up plan"),
    };
    l.pick(zh, en)
}

/// One field's problem in the reader's language (the page shows it under the field).
pub fn field(p: &FieldProblem, l: Locale) -> String {
    let s = |zh: &str, en: &str| l.pick(zh, en).to_string();
    let zh = l == Locale::ZhTw;
    match p {
        FieldProblem::Required { label: f } => {
            if zh {
                format!("請填寫{}", label(*f, l))
            } else {
                format!("{} is required", label(*f, l))
            }
        }
        FieldProblem::TooLong { label: f, max } => {
            if zh {
                format!("{}最多 {max} 字，且不可含控制字元", label(*f, l))
            } else {
                format!("{} can be at most {max} characters and must not contain control characters", label(*f, l))
            }
        }
        FieldProblem::PhoneFormat { label: f } => {
            if zh {
                format!("{}格式不正確（數字、括號、連字號，最多 30 字）", label(*f, l))
            } else {
                format!("{} is not valid (digits, brackets and hyphens; at most 30 characters)", label(*f, l))
            }
        }
        FieldProblem::Date { label: None, error } => roc_date(*error, l).into(),
        FieldProblem::Date { label: Some(f), error } => {
            format!("{}{}{}", label(*f, l), l.pick("：", ": "), roc_date(*error, l))
        }
        FieldProblem::CaseNumber { error } => case_number(*error, l).into(),
        FieldProblem::NationalId { error } => national_id(*error, l).into(),
        FieldProblem::EmployeeNo { error } => employee_no(*error, l).into(),
        FieldProblem::EmailFormat => s("E-Mail 格式不正確", "The e-mail address is not valid"),
        FieldProblem::EmailDomain { domains } => {
            if zh {
                format!("請填寫公務信箱（{}）", domains.join("、"))
            } else {
                format!("Please enter an official e-mail address ({})", domains.join(", "))
            }
        }
        FieldProblem::UnknownRole { code } => {
            if zh {
                format!("沒有這個角色：{code}")
            } else {
                format!("There is no such role: {code}")
            }
        }
        FieldProblem::NoSuchAuditItem => s("沒有這個稽核項目", "There is no such audit item"),
        FieldProblem::TickVendorResult => {
            s("請勾選符合、不符合或不適用", "Please tick Conforms, Does not conform or Not applicable")
        }
        FieldProblem::VendorFindingRequired => {
            s("不符合時請填寫稽核情形", "Please describe the findings for an item that does not conform")
        }
        FieldProblem::TickResult => s("請勾選符合或不符", "Please tick Conforms or Does not conform"),
        FieldProblem::ExplainNonConforming => {
            s("不符時請說明情形", "Please explain what was found for an item that does not conform")
        }
        FieldProblem::ChooseOffice => {
            s("請選擇收件的戶政事務所", "Please choose the receiving household registration office")
        }
        FieldProblem::NotHouseholdOffice => s(
            "收件單位須為臺北市各區戶政事務所",
            "The recipient must be one of the Taipei City district household registration offices",
        ),
        FieldProblem::Extension => s("分機須為 1 至 8 位數字", "The extension must be 1 to 8 digits"),
        FieldProblem::SubjectRequired => s("請勾選查詢事項", "Please tick the subject of the enquiry"),
        FieldProblem::SameDates => s(
            "兩系統的登記日期相同，無須聯繫",
            "The two systems' registration dates are the same; there is no need to ask",
        ),
        FieldProblem::ReplyImage => s(
            "印模已完成重建：請同時上傳重建後的印模影像",
            "Impression rebuilt: please upload the rebuilt impression image with the reply",
        ),
        FieldProblem::ReplyOutcome => {
            s("請勾選回復內容（印模已完成重建或其他）", "Please tick the reply (impression rebuilt, or other)")
        }
        FieldProblem::RequestKind => s(
            "請選擇申請事項（新增、異動或註銷）",
            "Please choose what is requested (new account, change or cancellation)",
        ),
        FieldProblem::RolesForNew => s("新增帳號須勾選申請權限", "A new account needs at least one role"),
        FieldProblem::RolesOrUnit => {
            s("異動須勾選新的申請權限，或選擇異動後單位", "A change needs the new roles ticked, or the new unit chosen")
        }
        FieldProblem::TaskKind => s("請選擇工作項目", "Please choose the duty"),
        FieldProblem::DoneInFuture => s("完成日期不可晚於今天", "The completion date cannot be later than today"),
    }
}

/// A form's field errors as one message, in form order (the page shows each under its field
/// before sending; this is for a form the server refused).
fn fields(errors: &[FieldError], l: Locale) -> String {
    let parts: Vec<String> = errors.iter().map(|e| field(&e.problem, l)).collect();
    parts.join(l.pick("；", "; "))
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
        ReviewError::Form { errors } => fields(errors, l),
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
        SecurityError::Form { errors } => fields(errors, l),
        SecurityError::NoticeOnlyForOs => l
            .pick(
                "通知民政局之風險控制措施僅適用於作業系統停止服務",
                "A risk-control plan notified to the Department of Civil Affairs applies only to the operating system end-of-support duty",
            )
            .into(),
        SecurityError::AlreadyDone => l.pick("此項工作已登錄完成", "This duty has already been recorded as done").into(),
    }
}

/// What the audits' use cases refuse.
pub fn audit(e: &AuditError, l: Locale) -> String {
    let s = |zh: &str, en: &str| l.pick(zh, en).to_string();
    match e {
        AuditError::KindRequired => s("請選擇稽核類別", "Please choose the audit type"),
        AuditError::PeriodFormat => s("期間格式不正確（例：2026-11、2026Q4、2026H2）", "Invalid period (e.g. 2026-11, 2026Q4, 2026H2)"),
        AuditError::PeriodKind { kind } => match kind {
            AuditKind::Internal => s("內部稽核以月為期", "An internal audit covers one month"),
            AuditKind::Office => s("所隊外部稽核以季為期", "An external audit of an office covers one quarter"),
            AuditKind::Vendor => s("委外廠商稽核以半年為期", "A vendor audit covers half a year"),
        },
        AuditError::PeriodNotStarted => {
            s("不能稽核尚未開始的期間", "A period that has not started yet cannot be audited")
        }
        AuditError::OfficeTarget => s(
            "外部稽核對象須為地政事務所或土地開發總隊",
            "An external audit must be of a land office or the Land Development Agency",
        ),
        AuditError::AuditedPerson => s(
            "請選擇受稽核單位的受稽核人（不得為稽核人本人）",
            "Please choose the audited person in the audited unit (it cannot be the auditor)",
        ),
        AuditError::VendorName => {
            s("請填寫受稽核廠商名稱（100 字以內）", "Please enter the audited vendor's name (up to 100 characters)")
        }
        AuditError::AlreadyOpen => s(
            "此期間已有同一受稽核對象的稽核；如需撤銷，請在該稽核申請撤銷並說明理由，經主管核准",
            "There is already an audit of the same auditee for this period; to withdraw it, ask on that audit with the reason, for the supervisor's approval",
        ),
        AuditError::Signed => s(
            "稽核人已簽章，紀錄不能再修改",
            "The auditor has signed; the record can no longer be changed",
        ),
        AuditError::Withdrawn => s(
            "此稽核已撤銷，紀錄不能再修改",
            "This audit was withdrawn; the record can no longer be changed",
        ),
        AuditError::Stale => s(
            "紀錄已簽章或已變更，請重新整理後再試",
            "The record has been signed or changed; please refresh and try again",
        ),
        AuditError::SlotSigned => s("此欄已簽章", "This signature box has already been signed"),
        AuditError::AlreadyReferred => s("已移送，請勿重複", "Already referred; please do not refer it again"),
        AuditError::VendorForm => s("委外廠商稽核請依附件三填寫", "A vendor audit is filled in on Attachment 3"),
        AuditError::InternalForm => s("此稽核依附件二填寫", "This audit is filled in on Attachment 2"),
        AuditError::NotSampled => s("此項目不在抽查樣本內", "This item is not in the sample"),
        AuditError::NoSuchField => s("沒有這個欄位", "There is no such field"),
        AuditError::TextTooLong => s("內容最多 2000 字", "The text can be at most 2000 characters"),
        AuditError::NoSuchSlot => s("沒有這個簽章欄", "There is no such signature box"),
        AuditError::AuditorFirst => s("請待稽核人簽章後再簽", "Please wait until the auditor has signed"),
        AuditError::Unanswered { missing } => match l {
            Locale::ZhTw => format!("尚有 {missing} 個項目未填寫（含稽核結果），請完成後再簽章"),
            Locale::En => format!(
                "{missing} item(s) are not filled in yet (including audit results); please complete them before signing"
            ),
        },
        AuditError::VendorRepName => s("請填寫廠商代表姓名", "Please enter the vendor representative's name"),
        AuditError::VendorSignature => {
            s("請廠商代表於簽名區簽名", "The vendor representative must sign in the signature area")
        }
        AuditError::OwnWithdrawal => s("不可核准自己的撤銷申請", "You cannot approve your own withdrawal request"),
        AuditError::WithdrawReason => s(
            "請說明重新抽樣的理由（4 至 500 字）",
            "Please give the reason for drawing a new sample (4 to 500 characters)",
        ),
        AuditError::WithdrawStale => s(
            "此稽核已簽章、已撤銷或已有待核准的撤銷申請",
            "This audit is signed, withdrawn, or has a withdrawal request pending",
        ),
        AuditError::OnlyNonConforming => s(
            "只有勾選「不符」的項目可以移送政風室",
            "Only items marked “Does not conform” can be referred to the Ethics Office",
        ),
        AuditError::ReferralReason => s(
            "請說明移送事由（1000 字以內）",
            "Please give the reason for the referral (up to 1000 characters)",
        ),
        AuditError::StatusRequired => s("請選擇處理狀態", "Please choose the follow-up status"),
        AuditError::FollowupNote => {
            s("請填寫處理情形（1000 字以內）", "Please describe the action taken (up to 1000 characters)")
        }
        AuditError::Form { errors } => fields(errors, l),
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
                errors: vec![
                    FieldError::new("contact_date", FieldProblem::Required { label: Label::ContactDate }),
                    FieldError::new("national_id", FieldProblem::NationalId { error: NationalIdError::Checksum }),
                ],
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
                errors: vec![
                    FieldError::new("email", FieldProblem::EmailDomain { domains: vec!["gov.taipei".into()] }),
                    FieldError::new("reason", FieldProblem::Required { label: Label::Reason }),
                ],
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

    /// Every field problem, with every label where a variant takes one.
    fn every_field_problem() -> Vec<FieldProblem> {
        use crate::domain::{CaseNumberError, EmployeeNoError};
        const LABELS: [Label; 29] = [
            Label::Finding,
            Label::AnswerNote,
            Label::Handler,
            Label::SectionChief,
            Label::PersonName,
            Label::OtherSubject,
            Label::ContactDate,
            Label::SenderPhone,
            Label::ContactPhone,
            Label::Fax,
            Label::NationalId,
            Label::SealDate,
            Label::HouseholdDate,
            Label::ReplyHandler,
            Label::OtherReply,
            Label::AppliedOn,
            Label::Account,
            Label::Email,
            Label::Reason,
            Label::Agency,
            Label::Section,
            Label::UserName,
            Label::Phone,
            Label::TargetUnit,
            Label::TaskTitle,
            Label::DueOn,
            Label::DoneOn,
            Label::Evidence,
            Label::NoticePlan,
        ];
        let mut all = Vec::new();
        for label in LABELS {
            all.push(FieldProblem::Required { label });
            all.push(FieldProblem::TooLong { label, max: 40 });
            all.push(FieldProblem::PhoneFormat { label });
            all.push(FieldProblem::Date { label: Some(label), error: RocDateError::NoSuchDay });
        }
        all.extend([
            FieldProblem::Date { label: None, error: RocDateError::BeforeRoc },
            FieldProblem::CaseNumber { error: CaseNumberError::Empty },
            FieldProblem::NationalId { error: NationalIdError::Checksum },
            FieldProblem::EmployeeNo { error: EmployeeNoError::Format },
            FieldProblem::EmailFormat,
            FieldProblem::EmailDomain { domains: vec!["gov.taipei".into(), "mail.taipei.gov.tw".into()] },
            FieldProblem::UnknownRole { code: "root".into() },
            FieldProblem::NoSuchAuditItem,
            FieldProblem::TickVendorResult,
            FieldProblem::VendorFindingRequired,
            FieldProblem::TickResult,
            FieldProblem::ExplainNonConforming,
            FieldProblem::ChooseOffice,
            FieldProblem::NotHouseholdOffice,
            FieldProblem::Extension,
            FieldProblem::SubjectRequired,
            FieldProblem::SameDates,
            FieldProblem::ReplyImage,
            FieldProblem::ReplyOutcome,
            FieldProblem::RequestKind,
            FieldProblem::RolesForNew,
            FieldProblem::RolesOrUnit,
            FieldProblem::TaskKind,
            FieldProblem::DoneInFuture,
        ]);
        all
    }

    #[test]
    fn every_field_problem_renders_in_both_languages_and_keeps_the_forms_words() {
        let problems = every_field_problem();
        let mut seen = std::collections::HashSet::new();
        for p in &problems {
            let (zh, en) = (field(p, Locale::ZhTw), field(p, Locale::En));
            assert!(has_cjk(&zh), "{p:?}: {zh}");
            assert!(!has_cjk(&en), "{p:?}: {en}");
            // the same words on two forms ("說明") are two labels, told apart in English
            assert!(seen.insert((zh.clone(), en.clone())), "two problems read the same: {zh} / {en}");
        }
        // the forms' own words (as the parsers wrote them before the errors were typed)
        let zh = |p: FieldProblem| field(&p, Locale::ZhTw);
        assert_eq!(zh(FieldProblem::Required { label: Label::Handler }), "請填寫承辦人");
        assert_eq!(zh(FieldProblem::TooLong { label: Label::Handler, max: 40 }), "承辦人最多 40 字，且不可含控制字元");
        assert_eq!(
            zh(FieldProblem::Date { label: Some(Label::ContactDate), error: RocDateError::NoSuchDay }),
            "聯繫日期：沒有這一天"
        );
        assert_eq!(
            zh(FieldProblem::EmailDomain { domains: vec!["gov.taipei".into(), "mail.taipei.gov.tw".into()] }),
            "請填寫公務信箱（gov.taipei、mail.taipei.gov.tw）"
        );
        assert_eq!(
            field(&FieldProblem::Date { label: Some(Label::ContactDate), error: RocDateError::NoSuchDay }, Locale::En),
            "Contact date: There is no such day"
        );
        // a form refused by the server: its fields in order, joined as the page joins them
        let form = LiaisonError::Form {
            errors: vec![
                FieldError::new("handler", FieldProblem::Required { label: Label::Handler }),
                FieldError::new("national_id", FieldProblem::NationalId { error: NationalIdError::Checksum }),
            ],
        };
        assert_eq!(problem_text(&form.clone().into(), Locale::ZhTw), "請填寫承辦人；身分證統一編號檢查碼不符");
        assert_eq!(
            problem_text(&form.into(), Locale::En),
            "Handler is required; The national ID number's check digit does not match"
        );
    }

    fn every_audit_error() -> Vec<AuditError> {
        use crate::domain::audit::AuditKind;
        vec![
            AuditError::KindRequired,
            AuditError::PeriodFormat,
            AuditError::PeriodKind { kind: AuditKind::Internal },
            AuditError::PeriodKind { kind: AuditKind::Office },
            AuditError::PeriodKind { kind: AuditKind::Vendor },
            AuditError::PeriodNotStarted,
            AuditError::OfficeTarget,
            AuditError::AuditedPerson,
            AuditError::VendorName,
            AuditError::AlreadyOpen,
            AuditError::Signed,
            AuditError::Withdrawn,
            AuditError::Stale,
            AuditError::SlotSigned,
            AuditError::AlreadyReferred,
            AuditError::VendorForm,
            AuditError::InternalForm,
            AuditError::NotSampled,
            AuditError::NoSuchField,
            AuditError::TextTooLong,
            AuditError::NoSuchSlot,
            AuditError::AuditorFirst,
            AuditError::Unanswered { missing: 3 },
            AuditError::VendorRepName,
            AuditError::VendorSignature,
            AuditError::OwnWithdrawal,
            AuditError::WithdrawReason,
            AuditError::WithdrawStale,
            AuditError::OnlyNonConforming,
            AuditError::ReferralReason,
            AuditError::StatusRequired,
            AuditError::FollowupNote,
            AuditError::Form {
                errors: vec![
                    FieldError::new("result", FieldProblem::TickResult),
                    FieldError::new("note", FieldProblem::ExplainNonConforming),
                ],
            },
        ]
    }

    #[test]
    fn audit_problems_keep_their_words() {
        let zh = |e: AuditError| problem_text(&Problem::from(e), Locale::ZhTw);
        let en = |e: AuditError| problem_text(&Problem::from(e), Locale::En);
        assert_eq!(zh(AuditError::Unanswered { missing: 3 }), "尚有 3 個項目未填寫（含稽核結果），請完成後再簽章");
        assert_eq!(
            en(AuditError::Unanswered { missing: 3 }),
            "3 item(s) are not filled in yet (including audit results); please complete them before signing"
        );
        assert_eq!(zh(AuditError::PeriodKind { kind: AuditKind::Office }), "所隊外部稽核以季為期");
        assert_eq!(zh(AuditError::SlotSigned), "此欄已簽章");
        let form = AuditError::Form {
            errors: vec![
                FieldError::new("result", FieldProblem::TickResult),
                FieldError::new("note", FieldProblem::ExplainNonConforming),
            ],
        };
        assert_eq!(zh(form.clone()), "請勾選符合或不符；不符時請說明情形");
        assert!(!has_cjk(&en(form)));
        for e in every_audit_error() {
            assert!(has_cjk(&zh(e.clone())), "{e:?}");
            assert!(!has_cjk(&en(e.clone())), "{e:?}: {}", en(e.clone()));
        }
    }

    fn every_security_error() -> Vec<SecurityError> {
        vec![
            SecurityError::Form {
                errors: vec![
                    FieldError::new("kind", FieldProblem::TaskKind),
                    FieldError::new("due_on", FieldProblem::Required { label: Label::DueOn }),
                ],
            },
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
        let form = SecurityError::Form {
            errors: vec![
                FieldError::new("kind", FieldProblem::TaskKind),
                FieldError::new("due_on", FieldProblem::Required { label: Label::DueOn }),
            ],
        };
        assert_eq!(zh(form.clone().into()), "請選擇工作項目；請填寫期限");
        assert_eq!(en(form.into()), "Please choose the duty; Due date is required");
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
            errors: vec![
                FieldError::new("contact_date", FieldProblem::Required { label: Label::ContactDate }),
                FieldError::new("national_id", FieldProblem::NationalId { error: NationalIdError::Checksum }),
            ],
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
            .chain(every_audit_error().into_iter().map(Problem::from))
            .chain(
                [
                    RequestError::Form {
                        errors: vec![FieldError::new("applied_on", FieldProblem::Required { label: Label::AppliedOn })],
                    },
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
                        why: crate::domain::request_view::NotAppliedReason::NoActiveAccount { cancel: false },
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
    }
}
