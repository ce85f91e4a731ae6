/**
 * Network building blocks in the PyTorch / Gluon style: {@link org.panagrad.nn.Block} (subclass it and
 * {@code register} children), {@link org.panagrad.nn.Linear}, {@link org.panagrad.nn.Sequential}, activations,
 * {@link org.panagrad.nn.Dropout}, {@link org.panagrad.nn.Flatten} and the {@link org.panagrad.nn.Init} initialisers.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
 * Tensor logits = model.forward(images);              // [64, 10]
 * List<Tensor> params = model.parameters();           // for an optimizer
 * }</pre>
 */
package org.panagrad.nn;
