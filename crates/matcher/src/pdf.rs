//! A PDF whose page is one scanned image (what scanners and phone apps write): the largest
//! image XObject is extracted, no page is rendered. Supported: DCTDecode (JPEG), FlateDecode
//! (raw 8/16-bit gray, RGB or CMYK samples, with or without PNG predictors) and uncompressed
//! samples. Bilevel images (CCITT fax, JBIG2, 1-bit samples) are black-and-white scans: they are
//! reported as such, since no red ink can be told apart in them.

use super::MatchError;
use std::io::Read;

/// What the PDF's image is.
#[derive(Debug)]
pub(crate) enum PdfImage<'a> {
    /// A complete JPEG file (DCTDecode).
    Jpeg(&'a [u8]),
    /// Raw samples, 8 bits per component, `comps` 1 (gray), 3 (RGB) or 4 (CMYK).
    Raw { width: usize, height: usize, comps: usize, data: Vec<u8> },
}

#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Name(Vec<u8>),
    Num(f64),
    Ref(u32, u32),
    Arr(Vec<Obj>),
    Dict(Vec<(Vec<u8>, Obj)>),
    Str,
    Other,
}

impl Obj {
    fn get(&self, key: &[u8]) -> Option<&Obj> {
        match self {
            Obj::Dict(d) => d.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            Obj::Num(v) => Some(*v),
            _ => None,
        }
    }
    fn name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0C | 0)
}
fn is_delim(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if is_ws(c) {
                self.i += 1;
            } else if c == b'%' {
                while let Some(&c) = self.b.get(self.i) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }
    fn token(&mut self) -> &[u8] {
        let s = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if is_ws(c) || is_delim(c) {
                break;
            }
            self.i += 1;
        }
        &self.b[s..self.i]
    }
    fn int_at(&self, at: usize) -> Option<(u32, usize)> {
        let mut p = Parser { b: self.b, i: at };
        p.skip_ws();
        let t = p.token();
        if t.is_empty() || !t.iter().all(|c| c.is_ascii_digit()) || t.len() > 9 {
            return None;
        }
        Some((std::str::from_utf8(t).ok()?.parse().ok()?, p.i))
    }
    fn object(&mut self, depth: usize) -> Option<Obj> {
        if depth > 32 {
            return None;
        }
        self.skip_ws();
        let c = *self.b.get(self.i)?;
        match c {
            b'/' => {
                self.i += 1;
                Some(Obj::Name(self.token().to_vec()))
            }
            b'<' if self.b.get(self.i + 1) == Some(&b'<') => {
                self.i += 2;
                let mut d = Vec::new();
                loop {
                    self.skip_ws();
                    match self.b.get(self.i)? {
                        b'>' => {
                            self.i += 2;
                            return Some(Obj::Dict(d));
                        }
                        b'/' => {
                            self.i += 1;
                            let k = self.token().to_vec();
                            let v = self.object(depth + 1)?;
                            d.push((k, v));
                        }
                        _ => return None,
                    }
                }
            }
            b'<' => {
                while *self.b.get(self.i)? != b'>' {
                    self.i += 1;
                }
                self.i += 1;
                Some(Obj::Str)
            }
            b'(' => {
                let mut level = 0usize;
                loop {
                    let c = *self.b.get(self.i)?;
                    self.i += 1;
                    match c {
                        b'\\' => self.i += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                return Some(Obj::Str);
                            }
                        }
                        _ => {}
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    self.skip_ws();
                    if *self.b.get(self.i)? == b']' {
                        self.i += 1;
                        return Some(Obj::Arr(v));
                    }
                    v.push(self.object(depth + 1)?);
                }
            }
            _ => {
                let start = self.i;
                let t = self.token();
                if t.is_empty() {
                    self.i += 1;
                    return Some(Obj::Other);
                }
                if let Ok(v) = std::str::from_utf8(t).unwrap_or("x").parse::<f64>() {
                    // "N G R" is a reference
                    if t.iter().all(|c| c.is_ascii_digit()) {
                        if let Some((g, after)) = self.int_at(self.i) {
                            let mut p = Parser { b: self.b, i: after };
                            p.skip_ws();
                            if p.token() == b"R" {
                                self.i = p.i;
                                return Some(Obj::Ref(v as u32, g));
                            }
                        }
                    }
                    return Some(Obj::Num(v));
                }
                let _ = start;
                Some(Obj::Other)
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The value of object `n g obj` (the first one in the file whose header matches).
fn resolve(b: &[u8], n: u32, g: u32) -> Option<Obj> {
    let pat = format!("{n} {g} obj");
    let mut from = 0;
    while let Some(p) = find(b, pat.as_bytes(), from) {
        from = p + 1;
        if p > 0 && !is_ws(b[p - 1]) {
            continue;
        }
        let mut ps = Parser { b, i: p + pat.len() };
        return ps.object(0);
    }
    None
}

fn deref(b: &[u8], o: &Obj) -> Option<Obj> {
    match o {
        Obj::Ref(n, g) => resolve(b, *n, *g),
        other => Some(other.clone()),
    }
}

struct Candidate<'a> {
    obj: Option<(u32, u32)>,
    dict: Obj,
    data: &'a [u8],
}

/// The image XObjects of a PDF, with their (still encoded) data.
fn images(b: &[u8]) -> Result<Vec<Candidate<'_>>, MatchError> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = find(b, b"stream", from) {
        from = p + 6;
        if p >= 3 && &b[p - 3..p] == b"end" {
            continue;
        }
        // the object header "N G obj" before the stream's dictionary
        let lo = p.saturating_sub(1 << 16);
        let Some(rel) = b[lo..p].windows(3).rposition(|w| w == b"obj") else { continue };
        let obj_at = lo + rel;
        let header = {
            // "N G obj": read backwards over two integers
            let s = &b[obj_at.saturating_sub(24)..obj_at];
            let txt = String::from_utf8_lossy(s);
            let mut it = txt.split_whitespace().rev();
            match (it.next().and_then(|g| g.parse().ok()), it.next().and_then(|n| n.parse().ok())) {
                (Some(g), Some(n)) => Some((n, g)),
                _ => None,
            }
        };
        let mut ps = Parser { b, i: obj_at + 3 };
        let Some(dict) = ps.object(0) else { continue };
        ps.skip_ws();
        if ps.i != p || !matches!(dict, Obj::Dict(_)) {
            continue;
        }
        if dict.get(b"Subtype").and_then(Obj::name) != Some(b"Image") {
            continue;
        }
        // data starts after the EOL following "stream"
        let mut s = p + 6;
        if b.get(s) == Some(&b'\r') {
            s += 1;
        }
        if b.get(s) == Some(&b'\n') {
            s += 1;
        }
        let len = dict.get(b"Length").and_then(|l| deref(b, l)).and_then(|l| l.num());
        let data = match len {
            Some(l) if l >= 0.0 && l.is_finite() => {
                let l = l as usize;
                if s.checked_add(l).is_none_or(|e| e > b.len()) {
                    return Err(MatchError::Truncated);
                }
                &b[s..s + l]
            }
            _ => match find(b, b"endstream", s) {
                Some(e) => {
                    let mut e = e;
                    while e > s && (b[e - 1] == b'\n' || b[e - 1] == b'\r') {
                        e -= 1;
                    }
                    &b[s..e]
                }
                None => return Err(MatchError::Truncated),
            },
        };
        out.push(Candidate { obj: header, dict, data });
    }
    Ok(out)
}

fn filters(d: &Obj) -> Vec<Vec<u8>> {
    match d.get(b"Filter") {
        Some(Obj::Name(n)) => vec![n.clone()],
        Some(Obj::Arr(v)) => v.iter().filter_map(|o| o.name().map(|n| n.to_vec())).collect(),
        _ => Vec::new(),
    }
}

fn decode_parms(d: &Obj) -> Option<Obj> {
    match d.get(b"DecodeParms").or_else(|| d.get(b"DP")) {
        Some(Obj::Arr(v)) => v.first().cloned(),
        Some(o) => Some(o.clone()),
        None => None,
    }
}

/// Undo PNG row predictors (PDF /Predictor 10–15).
fn unpredict_png(data: &[u8], row_bytes: usize, bpp: usize) -> Result<Vec<u8>, MatchError> {
    let stride = row_bytes + 1;
    if row_bytes == 0 || data.len() < stride {
        return Err(MatchError::Truncated);
    }
    let rows = data.len() / stride;
    let mut out = vec![0u8; rows * row_bytes];
    for r in 0..rows {
        let f = data[r * stride];
        let src = &data[r * stride + 1..(r + 1) * stride];
        let (done, cur) = out.split_at_mut(r * row_bytes);
        let prev = if r > 0 { &done[(r - 1) * row_bytes..] } else { &[][..] };
        let cur = &mut cur[..row_bytes];
        for x in 0..row_bytes {
            let a = if x >= bpp { cur[x - bpp] as i32 } else { 0 };
            let up = prev.get(x).copied().unwrap_or(0) as i32;
            let c = if x >= bpp { prev.get(x - bpp).copied().unwrap_or(0) as i32 } else { 0 };
            let pred = match f {
                0 => 0,
                1 => a,
                2 => up,
                3 => (a + up) / 2,
                4 => {
                    let p = a + up - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - up).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        up
                    } else {
                        c
                    }
                }
                _ => return Err(MatchError::Corrupt("PDF image: unknown PNG predictor".into())),
            };
            cur[x] = (src[x] as i32 + pred) as u8;
        }
    }
    Ok(out)
}

/// The page's scanned image.
pub(crate) fn extract(b: &[u8], max_bytes: usize) -> Result<PdfImage<'_>, MatchError> {
    // a file cut off before its end-of-file marker is incomplete, whatever it holds
    let tail = &b[b.len().saturating_sub(1024)..];
    if find(tail, b"%%EOF", 0).is_none() {
        return Err(MatchError::Truncated);
    }
    if find(b, b"/Encrypt", 0).is_some() {
        return Err(MatchError::UnsupportedFormat);
    }
    let imgs = images(b)?;
    // soft masks and masks are images too: not the scan
    let masks: Vec<(u32, u32)> = imgs
        .iter()
        .flat_map(|c| [c.dict.get(b"SMask"), c.dict.get(b"Mask")])
        .flatten()
        .filter_map(|o| match o {
            Obj::Ref(n, g) => Some((*n, *g)),
            _ => None,
        })
        .collect();
    let dim = |c: &Candidate| {
        let w = c.dict.get(b"Width").and_then(|o| deref(b, o)).and_then(|o| o.num()).unwrap_or(0.0);
        let h = c.dict.get(b"Height").and_then(|o| deref(b, o)).and_then(|o| o.num()).unwrap_or(0.0);
        (w.clamp(0.0, 1e6) as usize, h.clamp(0.0, 1e6) as usize)
    };
    let best = imgs
        .iter()
        .filter(|c| c.obj.is_none_or(|o| !masks.contains(&o)))
        .max_by_key(|c| {
            let (w, h) = dim(c);
            w * h
        })
        .ok_or(MatchError::UnsupportedFormat)?;
    let (w, h) = dim(best);
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    if (w as u64) * (h as u64) > super::decode::MAX_PIXELS {
        return Err(MatchError::TooLarge(format!("{}x{} exceeds 40 megapixels", w, h)));
    }
    let fs = filters(&best.dict);
    let bilevel = best.dict.get(b"ImageMask").is_some()
        || best.dict.get(b"BitsPerComponent").and_then(Obj::num) == Some(1.0)
        || fs.iter().any(|f| f == b"CCITTFaxDecode" || f == b"CCF" || f == b"JBIG2Decode");
    if bilevel {
        return Err(MatchError::Grayscale);
    }
    let mut data: std::borrow::Cow<[u8]> = std::borrow::Cow::Borrowed(best.data);
    for (k, f) in fs.iter().enumerate() {
        match f.as_slice() {
            b"DCTDecode" | b"DCT" if k + 1 == fs.len() => {
                return match data {
                    std::borrow::Cow::Borrowed(d) => Ok(PdfImage::Jpeg(d)),
                    // a JPEG inside another filter: rare; decoded from a copy
                    std::borrow::Cow::Owned(_) => Err(MatchError::UnsupportedFormat),
                };
            }
            b"FlateDecode" | b"Fl" => {
                let mut out = Vec::new();
                let mut z = flate2::read::ZlibDecoder::new(&data[..]).take(max_bytes as u64 + 1);
                z.read_to_end(&mut out).map_err(|e| match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => MatchError::Truncated,
                    _ => MatchError::Corrupt(format!("PDF image stream: {e}")),
                })?;
                if out.len() > max_bytes {
                    return Err(MatchError::TooLarge("the PDF image inflates past the limit".into()));
                }
                data = std::borrow::Cow::Owned(out);
            }
            // JPEG 2000, LZW, run-length, ASCII encodings: not written by the scanners we serve
            _ => return Err(MatchError::UnsupportedFormat),
        }
    }
    let bpc = best.dict.get(b"BitsPerComponent").and_then(|o| deref(b, o)).and_then(|o| o.num()).unwrap_or(8.0);
    if bpc != 8.0 && bpc != 16.0 {
        return Err(MatchError::UnsupportedFormat);
    }
    let bytes_pc = (bpc as usize) / 8;
    // components: from the colour space when it is a device space, else from the data's size
    let comps_cs = match best.dict.get(b"ColorSpace").and_then(|o| deref(b, o)) {
        Some(Obj::Name(n)) if n == b"DeviceGray" || n == b"G" => Some(1),
        Some(Obj::Name(n)) if n == b"DeviceRGB" || n == b"RGB" => Some(3),
        Some(Obj::Name(n)) if n == b"DeviceCMYK" || n == b"CMYK" => Some(4),
        Some(Obj::Arr(v)) if v.first().and_then(Obj::name) == Some(b"Indexed") => {
            return Err(MatchError::UnsupportedFormat)
        }
        _ => None,
    };
    let parms = decode_parms(&best.dict);
    let predictor = parms.as_ref().and_then(|p| p.get(b"Predictor")).and_then(Obj::num).unwrap_or(1.0);
    let comps = match comps_cs {
        Some(c) => c,
        None => {
            let per_row = |c: usize| w * c * bytes_pc + (predictor >= 10.0) as usize;
            [3usize, 1, 4].into_iter().find(|&c| data.len() >= per_row(c) * h).ok_or(MatchError::Truncated)?
        }
    };
    let row_bytes = w * comps * bytes_pc;
    let samples = if predictor >= 10.0 {
        unpredict_png(&data, row_bytes, comps * bytes_pc)?
    } else if predictor > 1.0 {
        return Err(MatchError::UnsupportedFormat);
    } else {
        data.into_owned()
    };
    if samples.len() < row_bytes * h {
        return Err(MatchError::Truncated);
    }
    let mut out = Vec::with_capacity(w * h * comps);
    for s in samples[..row_bytes * h].chunks_exact(bytes_pc) {
        out.push(s[0]);
    }
    Ok(PdfImage::Raw { width: w, height: h, comps, data: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dictionaries_and_references() {
        let src = b"<< /Type /XObject /Subtype /Image /Width 4 /Height 2 /Length 12 0 R /Filter [/FlateDecode] /DecodeParms << /Predictor 15 /Columns 4 >> /Name (a(b)c) >>";
        let mut p = Parser { b: src, i: 0 };
        let d = p.object(0).unwrap();
        assert_eq!(d.get(b"Width"), Some(&Obj::Num(4.0)));
        assert_eq!(d.get(b"Length"), Some(&Obj::Ref(12, 0)));
        assert_eq!(filters(&d), vec![b"FlateDecode".to_vec()]);
        assert_eq!(decode_parms(&d).unwrap().get(b"Predictor"), Some(&Obj::Num(15.0)));
    }

    #[test]
    fn png_predictors_round_trip() {
        // rows filtered with Sub (1) and Up (2)
        let raw = [10u8, 20, 30, 40, 11, 22, 33, 44];
        let enc = [1u8, 10, 10, 10, 10, 2, 1, 2, 3, 4];
        assert_eq!(unpredict_png(&enc, 4, 1).unwrap(), raw.to_vec());
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            &b"%PDF-1.4 stream"[..],
            b"%PDF 1 0 obj << /Subtype /Image /Length 99 >> stream\n%%EOF",
            b"%PDF-1.7\n<<<<[[[(((%%EOF",
        ] {
            let _ = extract(s, 1 << 20);
        }
    }
}
