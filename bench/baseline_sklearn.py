#!/usr/bin/env python3
"""Reference baseline for `lapor route eval`: TF-IDF over character 2-5-grams + linear SVM
(scikit-learn), on exactly the folds Lapor uses.

    cargo run --release -- route eval --cv 5 ../shared/data/complaints/surabaya_train.csv \
        --level opd --folds-out /tmp/folds.csv
    pip install scikit-learn
    python3 bench/baseline_sklearn.py ../shared/data/complaints/surabaya_train.csv /tmp/folds.csv [opd|all]

Prints accuracy, macro-F1 and top-3 accuracy at both levels, text only (as in the dataset's
PROVENANCE.md) and text + location_text.
"""
import csv
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC


def main(data_path, folds_path, only=None):
    rows = list(csv.DictReader(open(data_path, encoding="utf-8")))
    folds = np.array([int(r["fold"]) for r in csv.DictReader(open(folds_path))])
    assert len(folds) == len(rows), "folds file does not match the data"

    def opd(r):
        label = r["label"]
        for kind in ("Kecamatan", "Kelurahan"):
            if label.lower().startswith(kind.lower() + " "):
                return kind
        return label

    levels = {
        "opd": np.array([opd(r) for r in rows]),
        "all": np.array([r["label"] for r in rows]),
    }
    inputs = {
        "text": [r["text"] for r in rows],
        "text+location": [r["text"] + " | " + r["location_text"] for r in rows],
    }
    k = folds.max() + 1
    for level, y in levels.items():
        if only and level != only:
            continue
        for name, x in inputs.items():
            predicted = np.empty(len(rows), dtype=object)
            top3 = 0
            for fold in range(k):
                train, test = folds != fold, folds == fold
                vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
                xtr = vec.fit_transform([x[i] for i in np.where(train)[0]])
                xte = vec.transform([x[i] for i in np.where(test)[0]])
                model = LinearSVC(C=0.5).fit(xtr, y[train])
                predicted[test] = model.predict(xte)
                best = model.classes_[np.argsort(-model.decision_function(xte), axis=1)[:, :3]]
                top3 += sum(t in b for t, b in zip(y[test], best))
            print(
                f"sklearn {level:<3} {name:<13} accuracy {accuracy_score(y, predicted):.3f}  "
                f"macro-F1 {f1_score(y, predicted, average='macro'):.3f}  top-3 {top3 / len(rows):.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
