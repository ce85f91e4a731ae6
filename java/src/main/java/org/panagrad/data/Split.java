package org.panagrad.data;

/** Which part of a dataset with a fixed train/test split (MNIST, Fashion-MNIST) to load. */
public enum Split {
    /** The training part (60000 samples for MNIST and Fashion-MNIST). */
    TRAIN,
    /** The test part (10000 samples for MNIST and Fashion-MNIST). */
    TEST
}
