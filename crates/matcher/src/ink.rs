//! Ink classification: red ink / background / occluded (black print, blue or black strokes, red under toner).

pub const BG: u8 = 0;
pub const FAINT: u8 = 1;
pub const CLEAR: u8 = 2;
pub const OCCLUDED: u8 = 3;

pub const MIN_INK_PIXELS: usize = 150;
/// "Clearly red" ink: redness at least this fraction of the median ink redness (excludes faint
/// slip ghosts and haze from the extra-ink test).
pub const CLEAR_FRAC: f32 = 0.65;

#[derive(Debug, Clone, Default)]
pub struct InkMap {
    pub w: usize,
    pub h: usize,
    /// Soft ink strength in [0, 1] (0 for occluded pixels).
    pub strength: Vec<f32>,
    /// BG / FAINT / CLEAR / OCCLUDED per pixel.
    pub class: Vec<u8>,
    /// Redness threshold used for ink.
    #[allow(dead_code)]
    pub thresh: f32,
    /// Median redness of ink pixels.
    pub level: f32,
    pub ink_count: usize,
    /// Median brightness of the paper.
    #[allow(dead_code)]
    pub paper: f32,
}

impl InkMap {
    #[inline]
    pub fn is_ink(&self, i: usize) -> bool {
        matches!(self.class.get(i), Some(&FAINT) | Some(&CLEAR))
    }
}

fn otsu(hist: &[u64]) -> usize {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 0;
    }
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut wb, mut sb) = (0.0f64, 0.0f64);
    let mut best = (0usize, -1.0f64);
    for (t, &c) in hist.iter().enumerate() {
        wb += c as f64;
        sb += t as f64 * c as f64;
        let wf = total as f64 - wb;
        if wb <= 0.0 || wf <= 0.0 {
            continue;
        }
        let mb = sb / wb;
        let mf = (sum_all - sb) / wf;
        let v = wb * wf * (mb - mf) * (mb - mf);
        if v > best.1 {
            best = (t, v);
        }
    }
    best.0
}

fn median_hist(hist: &[u64], from: usize) -> f32 {
    let tot: u64 = hist.iter().skip(from).sum();
    if tot == 0 {
        return from as f32;
    }
    let mut acc = 0;
    for (i, &c) in hist.iter().enumerate().skip(from) {
        acc += c;
        if acc * 2 >= tot {
            return i as f32;
        }
    }
    from as f32
}

/// Classify every pixel of an RGB8 image.
pub fn classify(rgb: &[u8], w: usize, h: usize) -> InkMap {
    let n = w * h;
    if rgb.len() < n * 3 || n == 0 {
        return InkMap { w, h, strength: vec![0.0; n], class: vec![BG; n], ..Default::default() };
    }
    // paper brightness: median of V
    let mut vhist = [0u64; 256];
    // (sampled on a 2 x 2 lattice; plenty for a median)
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            let i = y * w + x;
            let (r, g, b) = (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            vhist[r.max(g).max(b) as usize] += 1;
        }
    }
    let paper = median_hist(&vhist, 0).max(60.0);
    let dark_v = (paper * 0.45).max(40.0);

    let mut class = vec![BG; n];
    let mut hist = [0u64; 256];
    let dark_vi = dark_v as i32;
    let paper_i = paper as i32;
    for i in 0..n {
        let r = rgb[3 * i] as i32;
        let g = rgb[3 * i + 1] as i32;
        let b = rgb[3 * i + 2] as i32;
        let v = r.max(g).max(b);
        let mn = r.min(g).min(b);
        let rd = r - g.max(b);
        let chroma = v - mn;
        let dark = v < dark_vi;
        let blue = b > r + 12 && b >= g;
        let grey = 4 * chroma < v.max(1) && v < paper_i - 45 && rd < 25;
        // dark but strongly red (deep crimson ink) stays ink
        let deep_red = 20 * rd > 11 * r && r > 70;
        let occ = (dark && !deep_red) || blue || grey;
        class[i] = if occ { OCCLUDED } else { BG };
    }
    // redness histogram of non-occluded pixels (every other row is plenty for the threshold)
    for y in (0..h).step_by(2) {
        for x in 0..w {
            let i = y * w + x;
            if class[i] != OCCLUDED {
                let rd = rgb[3 * i] as i32 - (rgb[3 * i + 1].max(rgb[3 * i + 2])) as i32;
                hist[rd.clamp(0, 255) as usize] += 1;
            }
        }
    }
    // threshold on redness
    let t_otsu = otsu(&hist) as f32;
    let thresh = t_otsu.clamp(22.0, 90.0);
    let level = median_hist(&hist, thresh as usize + 1).max(thresh + 10.0);
    let thresh = thresh.min(0.5 * level).max(22.0);
    let clear_t = (CLEAR_FRAC * level).max(thresh);
    let lo = 0.5 * thresh;
    let hi = (0.8 * level).max(lo + 10.0);
    let mut strength = vec![0.0f32; n];
    let mut ink_count = 0usize;
    for i in 0..n {
        if class[i] == OCCLUDED {
            continue;
        }
        let rd = (rgb[3 * i] as i32 - (rgb[3 * i + 1].max(rgb[3 * i + 2])) as i32) as f32;
        if rd <= lo {
            continue;
        }
        strength[i] = ((rd - lo) / (hi - lo)).clamp(0.0, 1.0);
        if rd >= clear_t {
            class[i] = CLEAR;
            ink_count += 1;
        } else if rd >= thresh {
            class[i] = FAINT;
            ink_count += 1;
        }
    }
    // dilate occlusion by one pixel (anti-aliased edges of black strokes): separable 3x3 OR
    let occ: Vec<u8> = class.iter().map(|&c| (c == OCCLUDED) as u8).collect();
    let mut hd = vec![0u8; n];
    for y in 0..h {
        let row = &occ[y * w..(y + 1) * w];
        let out = &mut hd[y * w..(y + 1) * w];
        out.copy_from_slice(row);
        if w > 1 {
            for x in 1..w {
                out[x] |= row[x - 1];
            }
            for x in 0..w - 1 {
                out[x] |= row[x + 1];
            }
        }
    }
    let mut vd = hd.clone();
    for y in 0..h {
        for yy in [y.wrapping_sub(1), y + 1] {
            if yy >= h {
                continue;
            }
            let src = &hd[yy * w..(yy + 1) * w];
            let out = &mut vd[y * w..(y + 1) * w];
            for (o, &v) in out.iter_mut().zip(src.iter()) {
                *o |= v;
            }
        }
    }
    for i in 0..n {
        if vd[i] != 0 && class[i] != OCCLUDED {
            if class[i] == FAINT || class[i] == CLEAR {
                ink_count -= 1;
            }
            class[i] = OCCLUDED;
            strength[i] = 0.0;
        }
    }
    InkMap { w, h, strength, class, thresh, level, ink_count, paper }
}
