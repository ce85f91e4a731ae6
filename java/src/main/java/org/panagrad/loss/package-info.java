/**
 * Loss functions: {@link org.panagrad.loss.Loss} (subclass it and override {@code forward} for a custom loss),
 * the {@link org.panagrad.loss.Reduction} modes and the built-ins, torch's ({@code L1Loss}, {@code MSELoss},
 * {@code BCELoss}, {@code BCEWithLogitsLoss}, {@code CrossEntropyLoss}, {@code NLLLoss}) and Gluon's
 * ({@code L2Loss}, {@code HingeLoss}).
 *
 * <pre>{@code
 * Loss criterion = new CrossEntropyLoss();
 * Tensor loss = criterion.forward(model.forward(x), labels);   // labels: class indices as floats
 * loss.backward();
 * }</pre>
 */
package org.panagrad.loss;
