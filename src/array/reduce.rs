//! Reductions: sums, products, extrema, dot products, norms, folds, and
//! their per-axis forms.
