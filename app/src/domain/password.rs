//! Password policy (after 資通系統防護基準): checked in the browser as typed and on the server.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// How many of the four classes (upper, lower, digit, symbol) are required.
    pub min_classes: usize,
    /// A new password may not equal any of the last N.
    pub history: usize,
    pub max_age_days: i64,
    pub min_age_days: i64,
    pub max_failures: u32,
    pub lockout_minutes: i64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 12,
            min_classes: 3,
            history: 3,
            max_age_days: 90,
            min_age_days: 1,
            max_failures: 5,
            lockout_minutes: 15,
        }
    }
}

/// A rule of the password policy a new password breaks (worded by `i18n::problems::password`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordProblem {
    /// Fewer characters than the policy's minimum.
    TooShort(usize),
    /// Fewer character classes than the policy's minimum.
    TooFewClasses(usize),
    ContainsEmployeeNo,
    ContainsName,
}

impl PasswordPolicy {
    /// The rules that can be checked without the stored history.
    pub fn check(&self, password: &str, employee_no: &str, name: &str) -> Vec<PasswordProblem> {
        let mut problems = Vec::new();
        if password.chars().count() < self.min_length {
            problems.push(PasswordProblem::TooShort(self.min_length));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            problems.push(PasswordProblem::TooFewClasses(self.min_classes));
        }
        let lower = password.to_lowercase();
        let emp = employee_no.trim().to_lowercase();
        if !emp.is_empty() && lower.contains(&emp) {
            problems.push(PasswordProblem::ContainsEmployeeNo);
        }
        let name = name.trim().to_lowercase();
        if name.chars().count() >= 2 && lower.contains(&name) {
            problems.push(PasswordProblem::ContainsName);
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rules() {
        let p = PasswordPolicy::default();
        assert!(p.check("Tr0ub4dor&3x!", "A10001", "王小明").is_empty());
        assert_eq!(p.check("Short1!", "A10001", "王小明"), vec![PasswordProblem::TooShort(12)]);
        assert_eq!(p.check("alllowercaseletters", "A10001", "王小明"), vec![PasswordProblem::TooFewClasses(3)]);
        assert_eq!(p.check("Xa10001-secret", "A10001", "王小明"), vec![PasswordProblem::ContainsEmployeeNo]);
        assert_eq!(p.check("王小明Pass-2026x", "A10001", "王小明"), vec![PasswordProblem::ContainsName]);
        // three classes suffice: lower + digit + symbol
        assert!(p.check("abcdefgh12-!", "A10001", "王小明").is_empty());
    }
}
