/**
 * Saving and loading tensors: {@link org.panagrad.io.SafeTensors} (the safetensors format, float32, validated
 * reads and atomic writes) and {@link org.panagrad.io.Checkpoint} (model parameters and optimizer state in one
 * file).
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("model.safetensors"), model.namedParameters(), optimizer.stateDict(), Map.of("epoch", "10"));
 * Checkpoint.loadInto(Path.of("model.safetensors"), model.namedParameters());
 * }</pre>
 */
package org.panagrad.io;
