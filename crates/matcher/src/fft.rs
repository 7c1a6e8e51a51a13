//! Radix-2 complex FFT (f64), deterministic (twiddles from libm).

pub struct Fft {
    n: usize,
    /// twiddles of all stages, concatenated: stage `len` holds exp(-2 pi i k / len), k < len/2
    tw_re: Vec<f64>,
    tw_im: Vec<f64>,
    rev: Vec<usize>,
}

impl Fft {
    /// `n` must be a power of two (>= 2).
    pub fn new(n: usize) -> Fft {
        let n = n.max(2).next_power_of_two();
        let half = n / 2;
        let mut cos = Vec::with_capacity(half);
        let mut sin = Vec::with_capacity(half);
        for k in 0..half {
            let a = -2.0 * core::f64::consts::PI * (k as f64) / (n as f64);
            cos.push(libm::cos(a));
            sin.push(libm::sin(a));
        }
        let mut tw_re = Vec::with_capacity(n);
        let mut tw_im = Vec::with_capacity(n);
        let mut len = 2;
        while len <= n {
            let step = n / len;
            for k in 0..len / 2 {
                tw_re.push(cos[k * step]);
                tw_im.push(sin[k * step]);
            }
            len <<= 1;
        }
        let bits = n.trailing_zeros();
        let rev = (0..n).map(|i| if bits == 0 { 0 } else { i.reverse_bits() >> (usize::BITS - bits) }).collect();
        Fft { n, tw_re, tw_im, rev }
    }

    /// In-place transform of `re`/`im` of length n. Inverse is unnormalised.
    pub fn run(&self, re: &mut [f64], im: &mut [f64], inverse: bool) {
        let n = self.n;
        if re.len() < n || im.len() < n {
            return;
        }
        let re = &mut re[..n];
        let im = &mut im[..n];
        for i in 0..n {
            let j = self.rev[i];
            if j > i {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let sgn = if inverse { -1.0 } else { 1.0 };
        // stage len = 2: no multiplications
        let mut a = 0;
        while a + 1 < n {
            let (xr, xi) = (re[a + 1], im[a + 1]);
            re[a + 1] = re[a] - xr;
            im[a + 1] = im[a] - xi;
            re[a] += xr;
            im[a] += xi;
            a += 2;
        }
        let mut len = 4;
        let mut off = 1;
        while len <= n {
            let half = len / 2;
            let twr = &self.tw_re[off..off + half];
            let twi = &self.tw_im[off..off + half];
            for chunk in 0..n / len {
                let start = chunk * len;
                let (lo_r, hi_r) = re[start..start + len].split_at_mut(half);
                let (lo_i, hi_i) = im[start..start + len].split_at_mut(half);
                for k in 0..half {
                    let wr = twr[k];
                    let wi = sgn * twi[k];
                    let xr = hi_r[k] * wr - hi_i[k] * wi;
                    let xi = hi_r[k] * wi + hi_i[k] * wr;
                    hi_r[k] = lo_r[k] - xr;
                    hi_i[k] = lo_i[k] - xi;
                    lo_r[k] += xr;
                    lo_i[k] += xi;
                }
            }
            off += half;
            len <<= 1;
        }
    }
}

/// 2-D FFT of a row-major w x h array (both powers of two).
pub fn fft2d(w: usize, h: usize, re: &mut [f64], im: &mut [f64], inverse: bool) {
    if re.len() < w * h || im.len() < w * h || w < 2 || h < 2 {
        return;
    }
    let fw = Fft::new(w);
    for y in 0..h {
        let r = &mut re[y * w..(y + 1) * w];
        let i = &mut im[y * w..(y + 1) * w];
        fw.run(r, i, inverse);
    }
    let fh = if h == w { fw } else { Fft::new(h) };
    // columns: transpose, row transforms, transpose back (cache friendly)
    let mut tr = vec![0.0; w * h];
    let mut ti = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            tr[x * h + y] = re[y * w + x];
            ti[x * h + y] = im[y * w + x];
        }
    }
    for x in 0..w {
        fh.run(&mut tr[x * h..(x + 1) * h], &mut ti[x * h..(x + 1) * h], inverse);
    }
    for y in 0..h {
        for x in 0..w {
            re[y * w + x] = tr[x * h + y];
            im[y * w + x] = ti[x * h + y];
        }
    }
}

#[cfg(test)]
/// Phase correlation surface of `a` against `b` (same w x h). Peak at d where a(x) ~ b(x - d).
pub fn phase_correlation(w: usize, h: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
    let n = w * h;
    let mut ar = a.to_vec();
    let mut ai = vec![0.0; n];
    let mut br = b.to_vec();
    let mut bi = vec![0.0; n];
    ar.resize(n, 0.0);
    br.resize(n, 0.0);
    fft2d(w, h, &mut ar, &mut ai, false);
    fft2d(w, h, &mut br, &mut bi, false);
    for i in 0..n {
        // A * conj(B)
        let r = ar[i] * br[i] + ai[i] * bi[i];
        let im = ai[i] * br[i] - ar[i] * bi[i];
        let m = (r * r + im * im).sqrt();
        let d = m + 1e-9;
        ar[i] = r / d;
        ai[i] = im / d;
    }
    fft2d(w, h, &mut ar, &mut ai, true);
    let inv = 1.0 / n as f64;
    ar.iter().map(|v| v * inv).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn roundtrip() {
        let f = Fft::new(16);
        let mut re: Vec<f64> = (0..16).map(|i| (i * i % 7) as f64).collect();
        let orig = re.clone();
        let mut im = vec![0.0; 16];
        f.run(&mut re, &mut im, false);
        f.run(&mut re, &mut im, true);
        for i in 0..16 {
            assert!((re[i] / 16.0 - orig[i]).abs() < 1e-9);
        }
    }
    #[test]
    fn phase_corr_shift() {
        let (w, h) = (32, 32);
        let mut b = vec![0.0; w * h];
        b[5 * w + 7] = 1.0;
        b[6 * w + 7] = 0.5;
        b[12 * w + 3] = 0.7;
        let mut a = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                a[((y + 3) % h) * w + (x + 2) % w] = b[y * w + x];
            }
        }
        let c = phase_correlation(w, h, &a, &b);
        let (mut bi, mut bv) = (0, f64::MIN);
        for (i, v) in c.iter().enumerate() {
            if *v > bv {
                bv = *v;
                bi = i;
            }
        }
        assert_eq!((bi % w, bi / w), (2, 3));
    }
}
