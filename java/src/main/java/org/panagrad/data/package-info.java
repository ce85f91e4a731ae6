/**
 * Datasets and mini-batch loading: {@link org.panagrad.data.Dataset} (samples gathered straight into batch
 * tensors), {@link org.panagrad.data.TensorDataset}, {@link org.panagrad.data.DataLoader},
 * {@link org.panagrad.data.Batch}, the IDX reader {@link org.panagrad.data.Idx} with
 * {@link org.panagrad.data.Mnist} and {@link org.panagrad.data.FashionMnist}, and {@link org.panagrad.data.Blobs}
 * (sklearn's make_blobs).
 *
 * <pre>{@code
 * TensorDataset train = FashionMnist.train();                      // [60000, 784] pixels in [0, 1], labels 0..9
 * DataLoader loader = DataLoader.builder(train).batchSize(256).shuffle(true).seed(0).build();
 * for (Batch batch : loader) {
 *     try (var step = MemoryScope.open()) {
 *         Tensor loss = new CrossEntropyLoss().forward(model.forward(batch.x()), batch.y());
 *         ...
 *     }
 * }
 * }</pre>
 */
package org.panagrad.data;
