#!/usr/bin/python3
"""Reference values for the disentanglement metrics (tests/unit/test_disentanglement.cpp,
src/metrics/disentanglement.hpp): the same definitions computed with NumPy and scikit-learn 1.2
on fixed latents, and checked here against scikit-learn's own estimators where one exists.

Regenerate (from the repository root; Debian's numpy + scikit-learn):

    /usr/bin/python3 tests/reference/make_disentanglement_reference.py

Definitions (disentanglement_lib's, google-research/disentanglement_lib evaluation/metrics/, for
one discrete factor per label set; the estimator choices are documented in the header):
  rows      the rows with a label (label != -1); fold of the i-th labelled row: i % 5
  MI        per dimension: np.digitize(z, np.histogram(z, 20)[1][:-1]), then
            sklearn.metrics.mutual_info_score(labels, bins) (nats)
  MIG       (largest MI - second largest) / sklearn.metrics.cluster.entropy(labels)
  SAP       per dimension, the 5-fold accuracy of the nearest class mean on that one value;
            gap between the best two (checked: sklearn.neighbors.NearestCentroid through
            cross_val_predict with the same folds predicts the same classes)
  DCI       linear discriminant analysis on Xs, the standardised latent (population std;
            constant columns 0): B = (S + 1e-3 I)^-1 [class means], S the pooled
            within-class covariance (population), score_c = x b_c - mu_c b_c / 2 + log prior_c;
            importance_j = sum_c |B[j, c] - mean_c B[j, c]|;
            completeness = 1 - entropy(importance / sum, base d); informativeness = 5-fold
            accuracy of argmax score (checked: sklearn's LinearDiscriminantAnalysis(
            solver="lsqr") on StandardScaler'd folds, no shrinkage, agrees on >= 99% of the
            predictions)
  TC        -1/2 log det(np.corrcoef of the non-constant columns)
  NMI       sklearn.metrics.normalized_mutual_info_score between two label sets, on rows
            labelled in both

Inputs are rounded to 6 decimals so that every number round-trips exactly. Files written to
tests/data/sklearn/ (prefix dis_):
  dis_Z_<case>.csv        the latent, header z0..z{d-1}, one row per sample
  dis_labels_<case>.csv   genre,language: class codes, -1 unlabelled
  dis_expected.csv        case,factor,name,value: rows, classes, entropy, mig, sap,
                          dci_completeness, dci_informativeness, mi_<j>, sap_accuracy_<j>,
                          importance_<j> per (case, factor); total_correlation (factor "-") and
                          nmi_genre_language (factor "-") per case
"""
import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import mutual_info_score, normalized_mutual_info_score
from sklearn.metrics.cluster import entropy
from sklearn.model_selection import PredefinedSplit, cross_val_predict
from sklearn.neighbors import NearestCentroid
from sklearn.preprocessing import StandardScaler

from reference_io import write_matrix, write_rows

BINS, FOLDS, SHRINKAGE = 20, 5, 1e-3


def discretise(z):
    return np.digitize(z, np.histogram(z, BINS)[1][:-1])


def standardise(Z, train_rows, rows):
    Zt = Z[train_rows]
    mean = Zt.mean(axis=0)
    scale = Zt.std(axis=0)
    constant = Zt.max(axis=0) == Zt.min(axis=0)
    scale[constant] = 1.0
    X = (Z[rows] - mean) / scale
    X[:, constant] = 0.0
    return X


def lda(Z, train, codes, K):
    """(B, offset): LDA on the standardised training rows; absent classes get offset -inf."""
    X = standardise(Z, train, train)
    c = codes[train]
    means = np.zeros((X.shape[1], K))
    counts = np.bincount(c, minlength=K)
    for k in range(K):
        if counts[k]:
            means[:, k] = X[c == k].mean(axis=0)
    centred = X - means[:, c].T
    within = centred.T @ centred / len(train) + SHRINKAGE * np.eye(X.shape[1])
    B = np.linalg.solve(within, means)
    with np.errstate(divide="ignore"):
        offset = -0.5 * np.einsum("jk,jk->k", means, B) + np.log(counts / len(train))
    return B, offset


def folds_of(n):
    return np.arange(n) % FOLDS


def cv_accuracy(n, codes, fit_predict):
    fold = folds_of(n)
    correct = 0
    for f in range(FOLDS):
        train, test = np.where(fold != f)[0], np.where(fold == f)[0]
        correct += int((fit_predict(train, test) == codes[test]).sum())
    return correct / n


def factor_scores(Z, labels, check=False):
    """The scores of one factor; with `check`, also scikit-learn's estimators' agreement."""
    keep = labels != -1
    Zl, y = Z[keep], labels[keep]
    classes, codes = np.unique(y, return_inverse=True)
    n, d, K = len(y), Z.shape[1], len(classes)
    out = {"rows": n, "classes": K, "entropy": entropy(y)}
    mi = np.array([mutual_info_score(y, discretise(Zl[:, j])) for j in range(d)])
    top = np.sort(mi)[::-1]
    out["mig"] = (top[0] - top[1]) / out["entropy"]

    B, _ = lda(Zl, np.arange(n), codes, K)
    importance = np.abs(B - B.mean(axis=1, keepdims=True)).sum(axis=1)
    p = importance / importance.sum()
    nz = p[p > 0]
    out["dci_completeness"] = 1.0 - (-(nz * np.log(nz)).sum() / np.log(d))

    predictions = np.empty(n, dtype=int)

    def lda_predict(train, test):
        Bt, offset = lda(Zl, train, codes, K)
        scores = standardise(Zl, train, test) @ Bt + offset
        predictions[test] = np.argmax(scores, axis=1)
        return predictions[test]

    out["dci_informativeness"] = cv_accuracy(n, codes, lda_predict)

    sap_acc = []
    for j in range(d):
        def nearest_mean(train, test, j=j):
            present = np.unique(codes[train])
            means = np.array([Zl[train][codes[train] == c, j].mean() for c in present])
            return present[np.argmin(np.abs(Zl[test, j][:, None] - means[None, :]), axis=1)]
        sap_acc.append(cv_accuracy(n, codes, nearest_mean))
        if not check:
            continue
        # scikit-learn's NearestCentroid with the same folds predicts the same classes.
        sk = cross_val_predict(NearestCentroid(), Zl[:, [j]], codes, cv=PredefinedSplit(folds_of(n)))
        assert cv_accuracy(n, codes, nearest_mean) == float((sk == codes).mean()), ("NearestCentroid", j)
    sap_acc = np.array(sap_acc)
    top = np.sort(sap_acc)[::-1]
    out["sap"] = top[0] - top[1]

    if check:
        lda_agreement(Zl, codes, predictions)
    for j in range(d):
        out[f"mi_{j}"] = mi[j]
        out[f"sap_accuracy_{j}"] = sap_acc[j]
        out[f"importance_{j}"] = importance[j]
    return out


def lda_agreement(Zl, codes, predictions):
    """scikit-learn's LDA (lsqr, no shrinkage) on StandardScaler'd folds, on the non-constant
    columns (it cannot solve with a zero-variance one): nearly the same predictions."""
    n = len(codes)
    fold = folds_of(n)
    varying = Zl.max(axis=0) != Zl.min(axis=0)
    sk = np.empty(n, dtype=int)
    for f in range(FOLDS):
        train, test = np.where(fold != f)[0], np.where(fold == f)[0]
        scaler = StandardScaler().fit(Zl[train][:, varying])
        model = LinearDiscriminantAnalysis(solver="lsqr").fit(scaler.transform(Zl[train][:, varying]), codes[train])
        sk[test] = model.predict(scaler.transform(Zl[test][:, varying]))
    agreement = float((sk == predictions).mean())
    assert agreement >= 0.99 or n < 100, ("LinearDiscriminantAnalysis agreement", agreement)
    print(f"# LDA predictions agree with scikit-learn's on {agreement:.4f} of {n} rows")


def total_correlation(Z):
    varying = Z.max(axis=0) != Z.min(axis=0)
    X = Z[:, varying]
    if X.shape[1] < 2:
        return 0.0
    sign, logdet = np.linalg.slogdet(np.corrcoef(X.T))
    return np.inf if sign <= 0 else -0.5 * logdet


def cases():
    rng = np.random.RandomState(20261206)
    n = 400
    genre = rng.randint(0, 4, n)
    language = rng.randint(0, 2, n)
    noise = rng.normal(size=(n, 4))
    # planted: dimension 0 carries genre, dimension 2 language, 1 and 3 are noise.
    planted = noise * 0.3
    planted[:, 0] += 2.0 * genre
    planted[:, 2] += 3.0 * language
    # mixed: the same latent rotated by a Hadamard matrix / 2, so that every dimension holds
    # each signal with the same weight (+-1/2): no dimension stands out for either factor.
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]) / 2.0
    mixed = planted @ H
    lang_missing = language.copy()
    lang_missing[rng.rand(n) < 0.2] = -1  # 20% of the rows without a language
    yield "planted", planted, genre, lang_missing
    yield "mixed", mixed, genre, lang_missing
    # small: 23 rows (uneven folds), a constant dimension, a correlated pair, 3 genres.
    m = 23
    g = rng.randint(0, 3, m)
    lang = rng.randint(0, 2, m)
    a = rng.normal(size=m) + g
    small = np.column_stack([a, np.full(m, 0.25), a * 0.8 + 0.2 * rng.normal(size=m), rng.normal(size=m) - lang])
    yield "small", small, g, lang


def main():
    expected = []
    for name, Z, genre, language in cases():
        Z = np.round(Z, 6)
        write_matrix(f"dis_Z_{name}.csv", Z, prefix="z")
        write_rows(f"dis_labels_{name}.csv", ["genre", "language"], list(zip(genre, language)))
        for factor, labels in (("genre", genre), ("language", language)):
            for key, value in factor_scores(Z, labels, check=True).items():
                expected.append([name, factor, key, value])
        expected.append([name, "-", "total_correlation", total_correlation(Z)])
        both = (genre != -1) & (language != -1)
        expected.append([name, "-", "nmi_genre_language", normalized_mutual_info_score(genre[both], language[both])])
    write_rows("dis_expected.csv", ["case", "factor", "name", "value"], expected)
    for row in expected:
        if row[2] in ("mig", "sap", "dci_completeness", "dci_informativeness", "total_correlation", "nmi_genre_language"):
            print(*row)


if __name__ == "__main__":
    main()
