//! End-to-end tests live in `tests/e2e/` (one test binary, so it links once). This library is
//! empty: the package exists for its tests.
