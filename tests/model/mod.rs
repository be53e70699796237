//! A deliberately naive model of strided arrays, for property tests.
//!
//! The data of an allocation is a `Vec<T>` in row-major order. A view of it
//! is a [`ViewModel`]: a shape (any rank, as a `Vec`) and, for each logical
//! element in row-major order, its position in that `Vec`. Every view
//! operation builds the new position list by plain multi-index arithmetic,
//! without strides, so the model shares no code (and no idea of layout)
//! with the implementation it checks. Strides and contiguity are derived
//! from the positions afterwards.

#![allow(dead_code)] // each test file uses a different part

/// Number of elements of a shape (1 for rank 0).
pub fn len_of(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The multi-index of the `k`-th element in row-major order.
pub fn unravel(mut k: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for axis in (0..shape.len()).rev() {
        index[axis] = k % shape[axis];
        k /= shape[axis];
    }
    index
}

/// The row-major position of `index`, or `None` if it is out of bounds.
pub fn ravel(index: &[usize], shape: &[usize]) -> Option<usize> {
    assert_eq!(index.len(), shape.len());
    let mut k = 0;
    for (&i, &n) in index.iter().zip(shape) {
        if i >= n {
            return None;
        }
        k = k * n + i;
    }
    Some(k)
}

/// Steps a multi-index to the next one in row-major order (the last axis
/// fastest); returns false after the last one.
pub fn step_index(index: &mut [usize], shape: &[usize]) -> bool {
    for axis in (0..shape.len()).rev() {
        index[axis] += 1;
        if index[axis] < shape[axis] {
            return true;
        }
        index[axis] = 0;
    }
    false
}

/// Calls `f` with every multi-index of `shape`, in row-major order (one
/// buffer, no allocation per index: the model stays cheap under Miri).
pub fn for_each_index(shape: &[usize], mut f: impl FnMut(&[usize])) {
    if len_of(shape) == 0 {
        return;
    }
    let mut index = vec![0; shape.len()];
    loop {
        f(&index);
        if !step_index(&mut index, shape) {
            return;
        }
    }
}

/// Every multi-index of `shape`, in row-major order.
pub fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::with_capacity(len_of(shape));
    for_each_index(shape, |i| out.push(i.to_vec()));
    out
}

/// Every multi-index of a rank-`N` shape, in row-major order, as arrays.
pub fn index_arrays<const N: usize>(shape: &[usize]) -> Vec<[usize; N]> {
    let mut out = Vec::with_capacity(len_of(shape));
    for_each_index(shape, |i| out.push(i.try_into().expect("rank matches")));
    out
}

/// The shape two shapes broadcast to (same rank): per axis equal, or one
/// of them 1 and the result the other one.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&x, &y)| match (x, y) {
            _ if x == y => Some(x),
            (1, _) => Some(y),
            (_, 1) => Some(x),
            _ => None,
        })
        .collect()
}

/// Why the model refuses a broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BroadcastRefusal {
    /// The target has fewer axes than the source.
    RankTooLow,
    /// Some source axis is neither 1 nor the target's length.
    Incompatible,
}

/// A view of a row-major `Vec`: shape plus the position of each logical
/// element (row-major order) in the `Vec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewModel {
    /// Length of each axis.
    pub shape: Vec<usize>,
    /// `pos[k]` is where the `k`-th logical element lives in the data.
    pub pos: Vec<usize>,
}

impl ViewModel {
    /// The whole of a fresh row-major allocation of shape `shape`.
    pub fn full(shape: &[usize]) -> Self {
        ViewModel {
            shape: shape.to_vec(),
            pos: (0..len_of(shape)).collect(),
        }
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }

    /// Data position of the element at `index`, if in bounds.
    pub fn pos_at(&self, index: &[usize]) -> Option<usize> {
        ravel(index, &self.shape).map(|k| self.pos[k])
    }

    /// The elements in logical row-major order.
    pub fn values<T: Copy>(&self, data: &[T]) -> Vec<T> {
        self.pos.iter().map(|&p| data[p]).collect()
    }

    /// A view whose element at new index `j` is this view's element at
    /// the index `old(j, buf)` writes into `buf`.
    fn remap(&self, shape: Vec<usize>, old: impl Fn(&[usize], &mut [usize])) -> Self {
        let mut pos = Vec::with_capacity(len_of(&shape));
        let mut buf = vec![0; self.rank()];
        for_each_index(&shape, |j| {
            old(j, &mut buf);
            pos.push(self.pos_at(&buf).expect("model remap stays in bounds"));
        });
        ViewModel { shape, pos }
    }

    /// Axis `k` of the result is axis `perm[k]` of `self`.
    pub fn permuted(&self, perm: &[usize]) -> Self {
        assert_eq!(perm.len(), self.rank());
        let shape = perm.iter().map(|&p| self.shape[p]).collect();
        self.remap(shape, |j, old| {
            for (k, &p) in perm.iter().enumerate() {
                old[p] = j[k];
            }
        })
    }

    /// The indices `start..end` of `axis`, every `|step|`-th one, from the
    /// front for a positive step and from the back (`end - 1` first) for a
    /// negative one.
    pub fn sliced(&self, axis: usize, start: usize, end: usize, step: isize) -> Self {
        assert!(start <= end && end <= self.shape[axis] && step != 0);
        let by = step.unsigned_abs();
        let chosen: Vec<usize> = if step > 0 {
            (start..end).step_by(by).collect()
        } else {
            (start..end).rev().step_by(by).collect()
        };
        let mut shape = self.shape.clone();
        shape[axis] = chosen.len();
        self.remap(shape, |j, old| {
            old.copy_from_slice(j);
            old[axis] = chosen[j[axis]];
        })
    }

    /// The sub-array at index `i` of `axis`, one rank lower.
    pub fn indexed(&self, axis: usize, i: usize) -> Self {
        assert!(i < self.shape[axis]);
        let mut shape = self.shape.clone();
        shape.remove(axis);
        self.remap(shape, |j, old| {
            old[..axis].copy_from_slice(&j[..axis]);
            old[axis] = i;
            old[axis + 1..].copy_from_slice(&j[axis..]);
        })
    }

    /// Broadcast to `dims` (rank at least ours): new axes in front, axes
    /// of length 1 repeat.
    pub fn broadcast(&self, dims: &[usize]) -> Result<Self, BroadcastRefusal> {
        let n = self.rank();
        if dims.len() < n {
            return Err(BroadcastRefusal::RankTooLow);
        }
        let lead = dims.len() - n;
        for axis in 0..n {
            let (have, want) = (self.shape[axis], dims[lead + axis]);
            if have != want && have != 1 {
                return Err(BroadcastRefusal::Incompatible);
            }
        }
        let shape = self.shape.clone();
        Ok(self.remap(dims.to_vec(), |j, old| {
            for axis in 0..n {
                old[axis] = if shape[axis] == 1 { 0 } else { j[lead + axis] };
            }
        }))
    }

    /// The same elements in the same logical order with another shape
    /// (what reshaping a contiguous view means).
    pub fn reshaped(&self, dims: &[usize]) -> Self {
        assert_eq!(len_of(dims), self.len());
        ViewModel {
            shape: dims.to_vec(),
            pos: self.pos.clone(),
        }
    }

    /// Indices `..i` and `i..` of `axis`.
    pub fn split(&self, axis: usize, i: usize) -> (Self, Self) {
        let n = self.shape[axis];
        (self.sliced(axis, 0, i, 1), self.sliced(axis, i, n, 1))
    }

    /// Whether the elements, in logical order, sit at consecutive data
    /// positions: one contiguous row-major block (true when empty).
    pub fn is_standard_contiguous(&self) -> bool {
        self.pos.windows(2).all(|w| w[1] == w[0] + 1)
    }

    /// The element distance along each axis, where the data pins it down
    /// (the view is non-empty and the axis is longer than 1).
    pub fn strides(&self) -> Vec<Option<isize>> {
        (0..self.rank())
            .map(|axis| {
                if self.is_empty() || self.shape[axis] < 2 {
                    return None;
                }
                let mut one = vec![0; self.rank()];
                one[axis] = 1;
                let p1 = self.pos_at(&one).unwrap() as isize;
                Some(p1 - self.pos[0] as isize)
            })
            .collect()
    }

    /// Whether no data position appears twice (false for broadcast views).
    pub fn is_unique(&self) -> bool {
        let mut seen = self.pos.clone();
        seen.sort_unstable();
        seen.windows(2).all(|w| w[0] != w[1])
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so one `u64` from
/// proptest stands for a whole array of values.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_basics() {
        let m = ViewModel::full(&[2, 3]);
        assert_eq!(m.permuted(&[1, 0]).pos, [0, 3, 1, 4, 2, 5]);
        assert_eq!(m.sliced(1, 0, 3, -2).pos, [2, 0, 5, 3]);
        assert_eq!(m.indexed(0, 1).pos, [3, 4, 5]);
        let row = ViewModel::full(&[1, 3]);
        assert_eq!(
            row.broadcast(&[2, 2, 3]).unwrap().pos,
            [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]
        );
        assert_eq!(m.strides(), [Some(3), Some(1)]);
        assert!(m.is_standard_contiguous() && !m.permuted(&[1, 0]).is_standard_contiguous());
    }
}
