//! approx's `AbsDiffEq`, `RelativeEq` and `UlpsEq` for arrays.
