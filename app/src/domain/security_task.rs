//! The register of recurring security duties (八(一)(二)): the quarterly vulnerability scan of
//! the operating systems and the application and the remediation it calls for, the anti-virus
//! connection and updates, and each operating system's upgrade before its end of support — or,
//! when that cannot be made in time, the risk controls and plan notified to 民政局.

use serde::{Deserialize, Serialize};

use super::forms::{optional_text, required_text, FieldError, FieldProblem, Label};
use super::RocDate;

coded! {
    pub enum TaskKind {
        /// 每季安全弱點檢測（作業系統及應用系統）
        VulnerabilityScan = "vulnerability_scan" ("安全弱點檢測（作業系統及應用系統）", "Vulnerability scan (OS and application)"),
        /// 依弱點掃描結果進行弱點修補
        Remediation = "remediation" ("弱點修補", "Remediation of scan findings"),
        /// 防毒軟體連線至防毒軟體主機更新
        Antivirus = "antivirus" ("防毒軟體連線更新", "Anti-virus connection and updates"),
        /// 作業系統原廠停止服務前完成升級、更新或汰換
        OsEndOfSupport = "os_end_of_support" ("作業系統停止服務前升級、更新或汰換", "OS upgrade before end of support"),
        /// 備份還原演練（附件三 8(4)(5)）: entered by `yinjian restore-check --record`
        RestoreDrill = "restore_drill" ("備份還原演練", "Backup restore drill"),
    }
}

impl TaskKind {
    /// Months until the next one once this one is done (0: does not recur).
    pub fn period_months(self) -> u32 {
        match self {
            Self::VulnerabilityScan | Self::Antivirus | Self::RestoreDrill => 3,
            Self::Remediation | Self::OsEndOfSupport => 0,
        }
    }
}

/// A new duty as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub kind: String,
    /// What exactly (e.g. the system or OS version).
    pub title: String,
    /// ROC date
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskForm {
    pub kind: TaskKind,
    pub title: String,
    pub due_on: RocDate,
}

impl TaskInput {
    pub fn parse(&self) -> Result<TaskForm, Vec<FieldError>> {
        let mut e = Vec::new();
        let kind = TaskKind::parse(self.kind.trim());
        if kind.is_none() {
            e.push(FieldError::new("kind", FieldProblem::TaskKind));
        }
        let title = required_text(&mut e, "title", Label::TaskTitle, &self.title, 200);
        let due_on = if self.due_on.trim().is_empty() {
            e.push(FieldError::new("due_on", FieldProblem::Required { label: Label::DueOn }));
            None
        } else {
            RocDate::parse(&self.due_on)
                .map_err(|err| e.push(FieldError::new("due_on", FieldProblem::Date { label: None, error: err })))
                .ok()
        };
        match (kind, title, due_on) {
            (Some(kind), Some(title), Some(due_on)) if e.is_empty() => Ok(TaskForm { kind, title, due_on }),
            _ => Err(e),
        }
    }
}

/// Recording a duty as done, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompletionInput {
    /// ROC date it was done (or the notice sent)
    pub done_on: String,
    /// What shows it: report number, scan tool and result, ticket, document number.
    pub evidence: String,
    /// For an OS that cannot be upgraded in time: the risk controls and plan notified to 民政局.
    pub notice_plan: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub done_on: RocDate,
    pub evidence: String,
    pub notice_plan: Option<String>,
}

impl CompletionInput {
    /// `today` bounds the date: a duty is not recorded as done in the future.
    pub fn parse(&self, today: RocDate) -> Result<Completion, Vec<FieldError>> {
        let mut e = Vec::new();
        let done_on = if self.done_on.trim().is_empty() {
            e.push(FieldError::new("done_on", FieldProblem::Required { label: Label::DoneOn }));
            None
        } else {
            match RocDate::parse(&self.done_on) {
                Ok(d) if d.gregorian() > today.gregorian() => {
                    e.push(FieldError::new("done_on", FieldProblem::DoneInFuture));
                    None
                }
                Ok(d) => Some(d),
                Err(err) => {
                    e.push(FieldError::new("done_on", FieldProblem::Date { label: None, error: err }));
                    None
                }
            }
        };
        let evidence = required_text(&mut e, "evidence", Label::Evidence, &self.evidence, 1000);
        let notice_plan = optional_text(&mut e, "notice_plan", Label::NoticePlan, &self.notice_plan, 2000);
        match (done_on, evidence) {
            (Some(done_on), Some(evidence)) if e.is_empty() => Ok(Completion { done_on, evidence, notice_plan }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_and_completions_parse() {
        let t =
            TaskInput { kind: "vulnerability_scan".into(), title: "115年第4季".into(), due_on: "115/12/31".into() };
        let f = t.parse().unwrap();
        assert_eq!(f.kind.period_months(), 3);
        let fields =
            |i: &TaskInput| i.parse().err().unwrap_or_default().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&TaskInput::default()), ["kind", "title", "due_on"]);
        assert_eq!(fields(&TaskInput { due_on: "115/02/30".into(), ..t.clone() }), ["due_on"]);
        let today = RocDate::parse("115/11/27").unwrap();
        let c = CompletionInput {
            done_on: "115/11/20".into(),
            evidence: "弱點掃描報告 VS-115-04".into(),
            ..Default::default()
        };
        assert_eq!(c.parse(today).unwrap().notice_plan, None);
        let cf = |i: &CompletionInput| {
            i.parse(today).err().unwrap_or_default().into_iter().map(|e| e.field).collect::<Vec<_>>()
        };
        assert_eq!(cf(&CompletionInput::default()), ["done_on", "evidence"]);
        assert_eq!(cf(&CompletionInput { done_on: "115/11/28".into(), ..c.clone() }), ["done_on"]);
        assert_eq!(TaskKind::OsEndOfSupport.period_months(), 0);
    }
}
