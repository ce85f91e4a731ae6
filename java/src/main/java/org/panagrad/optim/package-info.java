/**
 * Optimizers with {@code torch.optim}'s semantics and defaults ({@link org.panagrad.optim.SGD},
 * {@link org.panagrad.optim.Adam}, {@link org.panagrad.optim.AdamW}, {@link org.panagrad.optim.RMSprop}), Gluon's
 * {@link org.panagrad.optim.Trainer}, and learning-rate schedules ({@link org.panagrad.optim.StepLR},
 * {@link org.panagrad.optim.CosineAnnealingLR}).
 *
 * <pre>{@code
 * var opt = new Adam(model.parameters(), 1e-3).weightDecay(1e-4);
 * var sched = new CosineAnnealingLR(opt, epochs, 0.0);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     for (Batch b : loader) {
 *         try (var step = MemoryScope.open()) {
 *             opt.zeroGrad();
 *             loss.forward(model.forward(b.x()), b.y()).backward();
 *             opt.step();
 *         }
 *     }
 *     sched.step();
 * }
 * }</pre>
 *
 * Each parameter's update is a single fused kernel call; optimizer state lives outside step scopes and is
 * checkpointed with {@link org.panagrad.optim.Optimizer#stateDict()}.
 */
package org.panagrad.optim;
