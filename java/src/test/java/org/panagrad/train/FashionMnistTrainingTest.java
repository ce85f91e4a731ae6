package org.panagrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.panagrad.Panagrad;
import org.panagrad.data.DataLoader;
import org.panagrad.data.FashionMnist;
import org.panagrad.data.Idx;
import org.panagrad.data.Split;
import org.panagrad.data.TensorDataset;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.nn.Block;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.optim.Adam;

/**
 * The acceptance test: the PyTorch tutorial's 784-128-64-10 ReLU MLP trained on Fashion-MNIST with Adam (lr 1e-3,
 * batch 64, 5 epochs, inputs scaled to [0, 1] then normalised with mean 0.5 and std 0.5) reaches at least 86.5% test
 * accuracy, on whichever backend this surefire execution selects. Skipped when the data set is not installed
 * ({@code apt-get install dataset-fashion-mnist}).
 *
 * <p>The threshold sits in the low tail of what this recipe reaches: after 5 epochs PyTorch 1.13 gets 86.1-87.6%
 * depending on the seed ({@code src/test/python/fashion_mnist_reference.py}), and panagrad 86.4-87.4% on seeds 1-6.
 * With the project's default seed 2020 (not picked for the result) native reaches 87.22% and the Java backend 86.58%,
 * so a change in summation order (another GEMM, another BLAS kernel) can move it by a few tenths of a point.
 */
class FashionMnistTrainingTest {

    @Test
    void mlpReaches86Point5PercentInFiveEpochs() throws IOException {
        Assumptions.assumeTrue(FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not installed in " + FashionMnist.DEFAULT_DIR);
        TensorDataset train = FashionMnist.load(Split.TRAIN, FashionMnist.DEFAULT_DIR, Idx.Normalization.HALF);
        TensorDataset test = FashionMnist.load(Split.TEST, FashionMnist.DEFAULT_DIR, Idx.Normalization.HALF);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());

        Panagrad.manualSeed(2020);
        Block model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
        var loss = new CrossEntropyLoss();
        DataLoader trainLoader = DataLoader.builder(train).batchSize(64).shuffle(true).seed(2020).build();
        DataLoader testLoader = DataLoader.builder(test).batchSize(1000).build();
        long start = System.nanoTime();
        History h = Fit.of(model, loss, new Adam(model.parameters(), 1e-3)).epochs(5).validation(testLoader)
                .progressBar(false).onEpoch(s -> System.out.println("fashion-mnist [" + Panagrad.backend() + "] " + s))
                .run(trainLoader);
        System.out.printf("fashion-mnist [%s]: 5 epochs in %.1f s%n", Panagrad.backend(), (System.nanoTime() - start) / 1e9);

        assertEquals(5, h.epochs().size());
        double[] losses = h.trainLosses();
        assertTrue(losses[4] < losses[0], "training loss falls: " + java.util.Arrays.toString(losses));
        assertTrue(h.last().testAccuracy() >= 0.865, "test accuracy " + h.last().testAccuracy() + " < 86.5%");
    }
}
