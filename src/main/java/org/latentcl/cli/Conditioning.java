package org.latentcl.cli;

import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;

/** The classes a conditional model is trained on, and the checks that its data can give them: one line each, exit 2. */
final class Conditioning {
    private Conditioning() {
    }

    /** The number of classes in the training labels; refuses data without labels, with negative labels or one class, and test labels outside them. */
    static int classes(DataSplit split) {
        Dataset train = split.train();
        if (!train.hasLabels()) {
            throw new UsageException("--conditional needs labelled data, and " + train.name() + " has no labels (IDX label files, CIFAR-10,"
                    + " image subdirectories, the embedded digits, shapes, .npy with --labels or CSV with --label-column give them)");
        }
        checkLabels(train);
        int classes = train.classes();
        if (classes < 2) {
            throw new UsageException("--conditional needs at least two classes; the labels of " + train.name() + " name " + classes);
        }
        if (split.test().hasLabels()) {
            checkLabels(split.test());
            if (split.test().classes() > classes) {
                throw new UsageException("the test labels of " + split.test().name() + " go up to " + (split.test().classes() - 1)
                        + ", past the " + classes + " classes of the training labels");
            }
        } else {
            throw new UsageException("--conditional needs labelled test data too; " + split.test().name() + " has no labels");
        }
        return classes;
    }

    private static void checkLabels(Dataset d) {
        int[] labels = d.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new UsageException("the label of row " + i + " of " + d.name() + " is " + labels[i] + "; labels are classes 0, 1, 2, ...");
            }
        }
    }
}
