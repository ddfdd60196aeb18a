package org.latentcl.data;

/**
 * Training and test data.
 *
 * @param train      the training set
 * @param test       the test set
 * @param testSource where the test set came from, for the log ("t10k files", "held-out 10%")
 */
public record DataSplit(Dataset train, Dataset test, String testSource) {
    /**
     * Checks that both parts have the same number of features.
     *
     * @param train      the training set
     * @param test       the test set
     * @param testSource where the test set came from
     * @throws DataException when they differ
     */
    public DataSplit {
        if (train.cols() != test.cols()) {
            throw new DataException("training data has " + train.cols() + " features but test data has " + test.cols());
        }
    }
}
