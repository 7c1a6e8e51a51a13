//! The audits' samples (七(二)2, 附件二): 1 % of the month's look-ups rounded up — at least one
//! when there are fewer than 100, none of an empty month — and 50 % of the unit's users rounded
//! up, drawn with a recorded seed so that anyone can draw the same sample again. The auditor's
//! own look-ups are never in it.
//!
//! Two ways of drawing, recorded with each audit ([`SampleMethod`]): audits opened before the
//! sample was fixed per unit and period were drawn by a shuffle of the candidates left after
//! the auditor's own were taken out; since then each candidate is ranked by a keyed hash of its
//! id and the first ones that are not the auditor's are taken — so two auditors of the same unit
//! and period draw the same sample but for their own items.

/// 抽查數量 of look-ups: ⌈n / 100⌉ (1 for 1–100, 2 for 101–200, …; 0 for none).
pub fn query_sample_size(lookups: usize) -> usize {
    lookups.div_ceil(100)
}

/// 抽查數量 of users: ⌈n / 2⌉.
pub fn user_sample_size(users: usize) -> usize {
    users.div_ceil(2)
}

/// SplitMix64: small, fast, and fully specified — the same seed gives the same numbers on
/// every platform (browser and server alike).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Draw `k` of the candidates (ids; order and duplicates do not matter) with the seed: a partial
/// Fisher–Yates shuffle of the sorted ids. The draw comes back sorted.
pub fn draw(candidates: &[i64], k: usize, seed: u64) -> Vec<i64> {
    let mut ids = candidates.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let k = k.min(ids.len());
    let mut rng = SplitMix64(seed);
    for i in 0..k {
        let j = i + rng.below((ids.len() - i) as u64) as usize;
        ids.swap(i, j);
    }
    let mut out = ids[..k].to_vec();
    out.sort_unstable();
    out
}

/// How an audit's sample was drawn (stored as its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleMethod {
    /// A partial Fisher–Yates shuffle of the candidates without the auditor's own (before 0018).
    Shuffle = 1,
    /// Candidates ranked by a keyed hash of their id; the first not the auditor's are taken.
    Ranked = 2,
}

impl SampleMethod {
    pub fn number(self) -> i64 {
        self as i64
    }
    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(Self::Shuffle),
            2 => Some(Self::Ranked),
            _ => None,
        }
    }
}

impl TryFrom<i64> for SampleMethod {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        Self::from_number(n).ok_or_else(|| format!("unknown sample method {n}"))
    }
}

/// The rank of a candidate under the seed: the same on every platform.
fn rank(seed: u64, id: i64) -> u64 {
    let mut a = SplitMix64(id as u64);
    SplitMix64(seed ^ a.next()).next()
}

/// The first `k` of the candidates by rank, skipping `excluded` ones; sorted.
pub fn draw_ranked(candidates: &[i64], k: usize, seed: u64, excluded: impl Fn(i64) -> bool) -> Vec<i64> {
    let mut ids = candidates.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.sort_by_key(|id| (rank(seed, *id), *id));
    let mut out: Vec<i64> = ids.into_iter().filter(|id| !excluded(*id)).take(k).collect();
    out.sort_unstable();
    out
}

/// [`draw_queries`] or its ranked form, by the audit's method.
pub fn draw_queries_by(method: SampleMethod, lookups: &[(i64, i64)], auditor: i64, seed: u64) -> Vec<i64> {
    match method {
        SampleMethod::Shuffle => draw_queries(lookups, auditor, seed),
        SampleMethod::Ranked => {
            let k = query_sample_size(lookups.len());
            let own: std::collections::HashSet<i64> =
                lookups.iter().filter(|(_, op)| *op == auditor).map(|(id, _)| *id).collect();
            let ids: Vec<i64> = lookups.iter().map(|(id, _)| *id).collect();
            draw_ranked(&ids, k, seed, |id| own.contains(&id))
        }
    }
}

/// [`draw_users`] or its ranked form, by the audit's method.
pub fn draw_users_by(method: SampleMethod, accounts: &[i64], auditor: i64, seed: u64) -> Vec<i64> {
    match method {
        SampleMethod::Shuffle => draw_users(accounts, auditor, seed),
        SampleMethod::Ranked => {
            let mut ids = accounts.to_vec();
            ids.sort_unstable();
            ids.dedup();
            let k = user_sample_size(ids.len());
            draw_ranked(&ids, k, seed ^ 0x5553_4552_5300_0000, |id| id == auditor)
        }
    }
}

/// The look-ups to audit: the size from all of the month's look-ups (`(id, operator)`), drawn
/// from those not made by the auditor.
pub fn draw_queries(lookups: &[(i64, i64)], auditor: i64, seed: u64) -> Vec<i64> {
    let k = query_sample_size(lookups.len());
    let others: Vec<i64> = lookups.iter().filter(|(_, op)| *op != auditor).map(|(id, _)| *id).collect();
    draw(&others, k, seed)
}

/// The users to audit: half of the accounts active at any time in the month, rounded up, drawn
/// from those other than the auditor (who does not audit their own account).
pub fn draw_users(accounts: &[i64], auditor: i64, seed: u64) -> Vec<i64> {
    let mut ids = accounts.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let k = user_sample_size(ids.len());
    ids.retain(|id| *id != auditor);
    // a different stream from the look-ups' draw with the same seed
    draw(&ids, k, seed ^ 0x5553_4552_5300_0000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_percent_at_least_one() {
        for (n, k) in [(0, 0), (1, 1), (99, 1), (100, 1), (101, 2), (250, 3)] {
            assert_eq!(query_sample_size(n), k, "{n} look-ups");
        }
    }

    #[test]
    fn half_of_the_users_rounded_up() {
        for (n, k) in [(1, 1), (2, 1), (7, 4)] {
            assert_eq!(user_sample_size(n), k, "{n} users");
            let ids: Vec<i64> = (1..=n as i64).collect();
            assert_eq!(draw_users(&ids, 0, 42).len(), k);
            assert!(!draw_users(&ids, 1, 42).contains(&1), "never the auditor's own account");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_draw() {
        let lookups: Vec<(i64, i64)> = (1..=250).map(|i| (i, i % 5)).collect();
        let a = draw_queries(&lookups, 0, 20261127);
        assert_eq!(a.len(), 3);
        assert_eq!(a, draw_queries(&lookups, 0, 20261127));
        // the order the log comes in does not matter
        let mut reversed = lookups.clone();
        reversed.reverse();
        assert_eq!(a, draw_queries(&reversed, 0, 20261127));
        // other seeds draw differently (at least one of several)
        assert!((1..10u64).any(|s| draw_queries(&lookups, 0, s) != a));
        // the auditor's own look-ups (operator 0 here) are never drawn
        for seed in 0..200u64 {
            assert!(draw_queries(&lookups, 0, seed).iter().all(|id| id % 5 != 0));
        }
        // a sample larger than what is left takes all of it
        assert_eq!(draw(&[3, 1, 2], 5, 1), [1, 2, 3]);
        assert!(draw(&[], 1, 1).is_empty());
    }

    #[test]
    fn a_ranked_draw_differs_between_auditors_only_by_their_own_items() {
        let lookups: Vec<(i64, i64)> = (1..=1_000).map(|i| (i, i % 7)).collect();
        for seed in 0..50u64 {
            let a = draw_queries_by(SampleMethod::Ranked, &lookups, 1, seed);
            let b = draw_queries_by(SampleMethod::Ranked, &lookups, 2, seed);
            assert_eq!(a.len(), 10);
            assert!(a.iter().all(|id| id % 7 != 1) && b.iter().all(|id| id % 7 != 2));
            // what neither auditor made is drawn alike by both
            let shared = |v: &[i64]| v.iter().copied().filter(|id| id % 7 != 1 && id % 7 != 2).collect::<Vec<_>>();
            let (sa, sb) = (shared(&a), shared(&b));
            let common = sa.iter().filter(|x| sb.contains(x)).count();
            assert_eq!(common, sa.len().min(sb.len()), "{a:?} {b:?}");
            // and the same auditor always draws the same
            assert_eq!(a, draw_queries_by(SampleMethod::Ranked, &lookups, 1, seed));
        }
        // the users' draw the same way
        let users: Vec<i64> = (1..=9).collect();
        let a = draw_users_by(SampleMethod::Ranked, &users, 3, 99);
        assert_eq!(a.len(), 5);
        assert!(!a.contains(&3));
        // the legacy method still draws what it drew
        assert_eq!(draw_queries_by(SampleMethod::Shuffle, &lookups, 1, 7), draw_queries(&lookups, 1, 7));
    }

    #[test]
    fn draws_are_uniform_enough() {
        // every one of 10 ids is drawn about equally often over many seeds
        let ids: Vec<i64> = (0..10).collect();
        let mut hits = [0u32; 10];
        for seed in 0..10_000u64 {
            for id in draw(&ids, 1, seed) {
                hits[id as usize] += 1;
            }
        }
        assert!(hits.iter().all(|h| (800..1200).contains(h)), "{hits:?}");
    }
}
