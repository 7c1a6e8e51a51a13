//! What the matcher's verdict says to a person, in zh-TW and English: the reasons a pair is
//! left for review, why an impression is unclear, the capture correction fitted before judging,
//! and what the printed-copy check saw. Rendered from the matcher's typed result (the workbench
//! and the record use the same words).

use super::Locale;
use matcher::{CaptureCorrection, PrintEvidence, ReviewReason, UnclearReason};

/// The 印模不清 notice for a registered impression the matcher judged unclear.
pub fn registered_unclear_text(l: Locale) -> &'static str {
    l.pick(
        "印模不清：比對結果僅供參考，請依規定處理",
        "The registered impression is unclear: treat the result with care",
    )
}

/// One reason a pair was left for review (待人工判斷), in the UI language.
pub fn review_reason_text(r: ReviewReason, l: Locale) -> &'static str {
    match r {
        ReviewReason::Occluded => {
            l.pick("印文被文字、線條或簽名遮蓋", "the seal is covered by print, lines or a signature")
        }
        ReviewReason::Faded => l.pick("印文部分缺墨", "part of the seal carries no ink"),
        ReviewReason::Smeared => l.pick("印文重影或滑動", "the seal slid or was stamped twice"),
        ReviewReason::TooSmall => l.pick("印文影像過小", "the questioned seal is imaged too small"),
        ReviewReason::Blurred => l.pick("印文影像模糊", "the questioned scan is blurred"),
        ReviewReason::DiffersInPlaces => {
            l.pick("印文局部不一致（熱度圖框示處）", "the impressions differ in places (framed on the heat map)")
        }
        ReviewReason::PrintedCopy => l.pick(
            "疑似列印複製（印文呈印表機網點或色料紋理，非印泥蓋印）",
            "suspected printed copy (the ink shows printer dots or colorant texture, not stamped paste)",
        ),
    }
}

/// Why a pair was left for review: every reason the matcher gave.
pub fn review_reasons_text(reasons: &[ReviewReason], l: Locale) -> String {
    let parts: Vec<&str> = reasons.iter().map(|r| review_reason_text(*r, l)).collect();
    match l {
        Locale::ZhTw => format!("待人工判斷原因：{}", parts.join("；")),
        Locale::En => format!("Left for review because {}", parts.join("; ")),
    }
}

/// The capture correction the matcher fitted before judging (a scanner's stretch or shear, a
/// camera's perspective), when large enough to mention: e.g. 掃描變形：縱向 +0.8 %.
pub fn capture_text(c: &CaptureCorrection, l: Locale) -> Option<String> {
    use matcher::{NOTABLE_KEYSTONE_PCT, NOTABLE_SHEAR_PCT, NOTABLE_STRETCH_PCT};
    if !c.notable() {
        return None;
    }
    let mut parts = Vec::new();
    let v = c.vertical_stretch_pct;
    if v.abs() >= NOTABLE_STRETCH_PCT {
        parts.push(match (l, v > 0.0) {
            (Locale::ZhTw, true) => format!("縱向 +{v:.1} %"),
            (Locale::ZhTw, false) => format!("橫向 +{:.1} %", -v),
            (Locale::En, true) => format!("vertical +{v:.1} %"),
            (Locale::En, false) => format!("horizontal +{:.1} %", -v),
        });
    }
    if c.shear_pct.abs() >= NOTABLE_SHEAR_PCT {
        parts.push(format!("{} {:.1} %", l.pick("傾斜", "shear"), c.shear_pct.abs()));
    }
    let camera = c.keystone_pct >= NOTABLE_KEYSTONE_PCT;
    if camera {
        parts.push(format!("{} {:.1} %", l.pick("透視", "perspective"), c.keystone_pct));
    }
    Some(match l {
        Locale::ZhTw => {
            format!("{}：{}（已校正後比對）", if camera { "拍攝變形" } else { "掃描變形" }, parts.join("，"))
        }
        Locale::En => format!(
            "{} corrected before judging: {}",
            if camera { "Camera distortion" } else { "Scan distortion" },
            parts.join(", ")
        ),
    })
}

/// The 印文不清 notice for a questioned impression, in the UI language.
pub fn questioned_unclear_text(reasons: &[UnclearReason], l: Locale) -> String {
    let parts: Vec<&str> = reasons
        .iter()
        .map(|r| match r {
            UnclearReason::Occluded => {
                l.pick("印文大部分被文字、線條或簽名遮蓋", "much of the seal is covered by print, lines or a signature")
            }
            UnclearReason::Faded => {
                l.pick("印文部分缺墨（用印不均）", "part of the seal carries no ink (uneven pressure)")
            }
            UnclearReason::Smeared => {
                l.pick("印文重影或滑動", "the seal slid or was stamped twice (a doubled impression)")
            }
            UnclearReason::TooSmall => {
                l.pick("印文影像過小", "the questioned seal is imaged too small for the registered one's detail")
            }
            UnclearReason::Blurred => l.pick("印文影像模糊", "the questioned scan is too blurred"),
        })
        .collect();
    match l {
        Locale::ZhTw => format!("印文不清：{}，不作「不符」判定，請人工判斷", parts.join("；")),
        Locale::En => format!(
            "The questioned impression is unclear: {}. It is not called inconsistent; judge it by eye",
            parts.join("; ")
        ),
    }
}

/// What the printed-copy check saw, when it suspects a print (疑似列印複製): each measure beyond
/// what stamped paste reaches, with its value and that limit, so the clerk and a later reader of
/// the record know why the pair was left for review. `None` when no print is suspected.
pub fn print_evidence_text(p: &PrintEvidence, l: Locale) -> Option<String> {
    use matcher::{
        MAX_GENUINE_COLOUR_TEXTURE, MAX_GENUINE_HALFTONE, MAX_GENUINE_MIXING_BOW, MAX_GENUINE_SCREEN_LATTICE,
    };
    if !p.suspected {
        return None;
    }
    // each measure: its value, its limit, the decimals of each, and what it is (zh-TW, English)
    let measures = [
        (
            p.halftone_peak,
            MAX_GENUINE_HALFTONE,
            0,
            0,
            "印文油墨呈規則網點（頻譜峰值 ",
            "a regular dot screen in the ink (spectral peak ",
        ),
        (
            p.screen_lattice,
            MAX_GENUINE_SCREEN_LATTICE,
            1,
            1,
            "印文油墨呈兩組互成直角之印刷網線（網屏格紋 ",
            "a printer's screen of dots in two directions at right angles (screen lattice ",
        ),
        (
            p.colour_texture,
            MAX_GENUINE_COLOUR_TEXTURE,
            1,
            0,
            "油墨呈兩種以上色料交錯之紋理（",
            "the texture of two colorants laid apart (",
        ),
        (
            p.mixing_bow,
            MAX_GENUINE_MIXING_BOW,
            2,
            2,
            "筆畫邊緣之顏色偏離紙色與印泥色之混合（",
            "stroke edges whose colours are no mix of paper and one paste (",
        ),
    ];
    let mut seen: Vec<String> = measures
        .into_iter()
        .filter(|(value, limit, ..)| value > limit)
        .map(|(value, limit, vd, ld, zh, en)| match l {
            Locale::ZhTw => format!("{zh}{value:.vd$}，蓋印上限 {limit:.ld$}）"),
            Locale::En => format!("{en}{value:.vd$}; stamped paste stays under {limit:.ld$})"),
        })
        .collect();
    if seen.is_empty() {
        seen.push(l.pick("印文油墨特徵超出蓋印所及範圍", "ink traits beyond what stamped paste shows").to_string());
    }
    Some(match l {
        Locale::ZhTw => format!("列印複製檢查所見：{}。請比對申請書原本之印文（印泥有無滲入紙纖維、有無網點）", seen.join("；")),
        Locale::En => format!(
            "What the printed-copy check saw: {}. Look at the original form's impression (paste soaking into the paper's fibres, or printer dots)",
            seen.join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suspected_print_names_each_measure_beyond_its_limit_in_both_languages() {
        let p = PrintEvidence {
            measured: true,
            halftone_peak: matcher::MAX_GENUINE_HALFTONE * 2.0,
            screen_lattice: matcher::MAX_GENUINE_SCREEN_LATTICE + 5.0,
            colour_texture: 1.0,
            mixing_bow: matcher::MAX_GENUINE_MIXING_BOW + 0.3,
            suspected: true,
            ..PrintEvidence::default()
        };
        let zh = print_evidence_text(&p, Locale::ZhTw).unwrap();
        assert!(zh.starts_with("列印複製檢查所見："), "{zh}");
        assert!(zh.contains("規則網點") && zh.contains("網屏格紋") && zh.contains("筆畫邊緣"), "{zh}");
        assert!(!zh.contains("色料交錯"), "only what is beyond its limit: {zh}");
        let en = print_evidence_text(&p, Locale::En).unwrap();
        assert!(en.contains("dot screen") && en.contains("screen lattice") && en.contains("stroke edges"), "{en}");
        assert!(!en.contains("two colorants"), "{en}");
        assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
        // nothing suspected: nothing said
        assert_eq!(print_evidence_text(&PrintEvidence { suspected: false, ..p }, Locale::ZhTw), None);
        // every measure beyond its limit, each with its own decimals, in the order of the check
        let all = PrintEvidence {
            measured: true,
            halftone_peak: 412.3,
            screen_lattice: 30.26,
            colour_texture: 63.44,
            mixing_bow: 1.013,
            suspected: true,
            ..PrintEvidence::default()
        };
        assert_eq!(
            print_evidence_text(&all, Locale::ZhTw).unwrap(),
            "列印複製檢查所見：印文油墨呈規則網點（頻譜峰值 412，蓋印上限 290）；印文油墨呈兩組互成直角之印刷網線（網屏格紋 30.3，蓋印上限 23.5）；油墨呈兩種以上色料交錯之紋理（63.4，蓋印上限 47）；筆畫邊緣之顏色偏離紙色與印泥色之混合（1.01，蓋印上限 0.43）。請比對申請書原本之印文（印泥有無滲入紙纖維、有無網點）"
        );
        assert_eq!(
            print_evidence_text(&all, Locale::En).unwrap(),
            "What the printed-copy check saw: a regular dot screen in the ink (spectral peak 412; stamped paste stays under 290); a printer's screen of dots in two directions at right angles (screen lattice 30.3; stamped paste stays under 23.5); the texture of two colorants laid apart (63.4; stamped paste stays under 47); stroke edges whose colours are no mix of paper and one paste (1.01; stamped paste stays under 0.43). Look at the original form's impression (paste soaking into the paper's fibres, or printer dots)"
        );
        // suspected by a measure not named here: still said, in general words
        let other = PrintEvidence { suspected: true, ..PrintEvidence::default() };
        assert!(print_evidence_text(&other, Locale::En).unwrap().contains("beyond what stamped paste"));
    }
}
