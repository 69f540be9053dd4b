//! A small Newton solver for L2-penalised logistic loss with per-example weights, offsets and
//! a penalty centre:
//!
//! ```text
//! L(v) = Σ_i a_i · log(1 + exp(−(v·d_i + o_i)))  +  ½ Σ_f λ_f · (v_f − c_f)²
//! ```
//!
//! With ten features the Hessian is 10 × 10, so exact Newton steps with a backtracking line
//! search converge in a handful of iterations. The inverse Hessian at the optimum gives the
//! Laplace-approximation standard errors reported with learned weights.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// What the solver minimises: one row of `d` per example (a pair difference or a feature row
/// with label folded into its sign), weights `a`, offsets `o`.
pub struct Problem<'a> {
    /// Examples × features.
    pub d: ArrayView2<'a, f64>,
    /// Example weights (≥ 0).
    pub a: ArrayView1<'a, f64>,
    /// Example offsets.
    pub o: ArrayView1<'a, f64>,
    /// Per-feature L2 strengths λ_f (> 0 keeps the problem strictly convex).
    pub lambda: ArrayView1<'a, f64>,
    /// Penalty centre c.
    pub centre: ArrayView1<'a, f64>,
}

/// The solution.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The minimiser.
    pub v: Array1<f64>,
    /// Loss at the minimiser.
    pub loss: f64,
    /// Newton iterations taken.
    pub iterations: usize,
    /// sqrt(diag(H⁻¹)) at the minimiser.
    pub standard_errors: Array1<f64>,
}

fn log1p_exp_neg(z: f64) -> f64 {
    // log(1 + exp(−z)), stable for large |z|.
    if z > 0.0 {
        (-z).exp().ln_1p()
    } else {
        -z + z.exp().ln_1p()
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Problem<'_> {
    fn loss(&self, v: &Array1<f64>) -> f64 {
        let z = self.d.dot(v) + self.o;
        let data: f64 = z
            .iter()
            .zip(self.a.iter())
            .map(|(&z, &a)| a * log1p_exp_neg(z))
            .sum();
        let diff = v - &self.centre;
        data + 0.5 * (&diff * &diff).dot(&self.lambda)
    }

    fn gradient_hessian(&self, v: &Array1<f64>) -> (Array1<f64>, Array2<f64>) {
        let n_features = v.len();
        let z = self.d.dot(v) + self.o;
        let mut gradient = (v - &self.centre) * self.lambda;
        let mut hessian = Array2::<f64>::from_diag(&self.lambda);
        for (i, row) in self.d.outer_iter().enumerate() {
            let p = sigmoid(-z[i]);
            let a = self.a[i];
            if a == 0.0 {
                continue;
            }
            gradient.scaled_add(-a * p, &row);
            let curvature = a * p * (1.0 - p);
            for r in 0..n_features {
                let x = curvature * row[r];
                for c in 0..=r {
                    hessian[[r, c]] += x * row[c];
                }
            }
        }
        for r in 0..n_features {
            for c in 0..r {
                hessian[[c, r]] = hessian[[r, c]];
            }
        }
        (gradient, hessian)
    }

    /// Minimises the loss from `v = centre`.
    pub fn solve(&self, max_iterations: usize, tolerance: f64) -> Solution {
        let mut v = self.centre.to_owned();
        let mut loss = self.loss(&v);
        let mut iterations = 0;
        let (mut gradient, mut hessian) = self.gradient_hessian(&v);
        while iterations < max_iterations {
            if gradient.iter().map(|g| g.abs()).fold(0.0, f64::max) < tolerance {
                break;
            }
            iterations += 1;
            let step = cholesky_solve(&hessian, &gradient);
            // Newton decrement: below this, rounding dominates and the minimum is reached.
            if gradient.dot(&step) < 1e-14 * (1.0 + loss.abs()) {
                break;
            }
            let mut t = 1.0;
            let mut improved = false;
            for _ in 0..40 {
                let candidate = &v - &(&step * t);
                let candidate_loss = self.loss(&candidate);
                if candidate_loss <= loss - 1e-4 * t * gradient.dot(&step) {
                    v = candidate;
                    loss = candidate_loss;
                    improved = true;
                    break;
                }
                t *= 0.5;
            }
            if !improved {
                break;
            }
            (gradient, hessian) = self.gradient_hessian(&v);
        }
        let n = v.len();
        let standard_errors = (0..n)
            .map(|f| {
                let mut unit = Array1::zeros(n);
                unit[f] = 1.0;
                cholesky_solve(&hessian, &unit)[f].max(0.0).sqrt()
            })
            .collect();
        Solution {
            v,
            loss,
            iterations,
            standard_errors,
        }
    }
}

/// Solves `A x = b` for a symmetric positive-definite `A` (Cholesky; a tiny ridge is added
/// if rounding makes a pivot non-positive).
pub fn cholesky_solve(a: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = b.len();
    let mut l = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[[i, j]];
            for k in 0..j {
                sum -= l[[i, k]] * l[[j, k]];
            }
            if i == j {
                l[[i, i]] = sum.max(1e-12).sqrt();
            } else {
                l[[i, j]] = sum / l[[j, j]];
            }
        }
    }
    let mut y = Array1::<f64>::zeros(n);
    for i in 0..n {
        let mut sum = b[i];
        for k in 0..i {
            sum -= l[[i, k]] * y[k];
        }
        y[i] = sum / l[[i, i]];
    }
    let mut x = Array1::<f64>::zeros(n);
    for i in (0..n).rev() {
        let mut sum = y[i];
        for k in i + 1..n {
            sum -= l[[k, i]] * x[k];
        }
        x[i] = sum / l[[i, i]];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let x = cholesky_solve(&a, &array![2.0, 1.0]);
        assert!(
            (a.dot(&x) - array![2.0, 1.0])
                .iter()
                .all(|e| e.abs() < 1e-12)
        );
    }

    #[test]
    fn no_data_returns_the_centre_and_strong_data_moves_away() {
        let d = Array2::<f64>::zeros((0, 2));
        let empty = Array1::<f64>::zeros(0);
        let centre = array![0.3, -0.2];
        let ones = Array1::ones(2);
        let p = Problem {
            d: d.view(),
            a: empty.view(),
            o: empty.view(),
            lambda: ones.view(),
            centre: centre.view(),
        };
        assert_eq!(p.solve(50, 1e-10).v, centre);
        // Many examples all saying "feature 0 positive" pull v[0] up.
        let d = Array2::from_shape_fn(
            (200, 2),
            |(i, j)| {
                if j == 0 || i % 2 == 0 { 1.0 } else { -1.0 }
            },
        );
        let a = Array1::ones(200);
        let o = Array1::zeros(200);
        let s = Problem {
            d: d.view(),
            a: a.view(),
            o: o.view(),
            lambda: ones.view(),
            centre: centre.view(),
        }
        .solve(50, 1e-10);
        assert!(s.v[0] > 1.0, "{:?}", s.v);
        assert!(s.v[1].abs() < 0.05, "{:?}", s.v);
        assert!(s.standard_errors.iter().all(|e| *e > 0.0 && *e < 1.0));
    }
}
