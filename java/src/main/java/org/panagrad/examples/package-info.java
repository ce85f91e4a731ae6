/**
 * The five tutorials panagrad follows, retold as runnable Java programs. Each class has a {@code main} that prints
 * what its notebook prints and public static methods that return the numbers as records, which the tests check.
 *
 * <table>
 *   <caption>Examples</caption>
 *   <tr><th>class</th><th>tutorial</th><th>shows</th></tr>
 *   <tr><td>{@link org.panagrad.examples.GluonLossesAndTrainer}</td><td>000, MXNet Gluon</td>
 *       <td>L2/L1 losses by hand and built in, a custom {@code Loss} subclass, autograd, {@code Trainer.step(batchSize)} with Adam</td></tr>
 *   <tr><td>{@link org.panagrad.examples.AutogradControlFlow}</td><td>001, MXNet autograd</td>
 *       <td>{@code attachGrad}, {@code backward} on a non-scalar, gradients through Java loops and ifs, {@code norm}, {@code sum}</td></tr>
 *   <tr><td>{@link org.panagrad.examples.MnistMlpOneStep}</td><td>002, PyTorch</td>
 *       <td>a 784-128-64-10 {@code Sequential} on a Fashion-MNIST batch, CrossEntropyLoss = LogSoftmax + NLLLoss, one SGD step</td></tr>
 *   <tr><td>{@link org.panagrad.examples.TorchBasicsAndBlobs}</td><td>003, PyTorch</td>
 *       <td>a hand-written SGD loop, sampling, finite differences, MSELoss, a {@code Block} subclass on {@code Blobs} with Adam, RMSprop and SGD</td></tr>
 *   <tr><td>{@link org.panagrad.examples.BackpropFromScratch}</td><td>004, backprop from scratch</td>
 *       <td>softmax and cross-entropy by hand, random search, refinement, hand-written gradients vs autograd, the chain rule</td></tr>
 * </table>
 *
 * <p>Run one with the library on the class path, e.g.
 * {@code java --enable-native-access=ALL-UNNAMED -cp ... org.panagrad.examples.TorchBasicsAndBlobs 5000 10}.
 */
package org.panagrad.examples;
