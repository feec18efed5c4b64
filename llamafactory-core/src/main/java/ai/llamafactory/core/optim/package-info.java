/**
 * Optimizers, learning-rate schedules and gradient clipping with PyTorch/transformers semantics.
 *
 * <p>Everything here works on named {@link ai.djl.ndarray.NDArray}s: the Hugging Face parameter name mapped to the
 * trainable array whose gradient {@code GradientCollector.backward} filled. Nothing depends on a model class.
 *
 * <ul>
 *   <li>{@link ai.llamafactory.core.optim.ParamGroup}: parameters sharing a learning-rate rule and a weight decay;
 *       {@link ai.llamafactory.core.optim.ParamGroups} builds the Hugging Face decay/no-decay split and the LoRA+
 *       groups.</li>
 *   <li>{@link ai.llamafactory.core.optim.Optimizer} with {@link ai.llamafactory.core.optim.AdamW} (torch.optim.AdamW),
 *       {@link ai.llamafactory.core.optim.Sgd} (torch.optim.SGD) and {@link ai.llamafactory.core.optim.Adafactor}
 *       (transformers' Adafactor); state is keyed by parameter name and can be saved and restored.</li>
 *   <li>{@link ai.llamafactory.core.optim.GradientClipping}: torch's {@code clip_grad_norm_} with one host sync.</li>
 *   <li>{@link ai.llamafactory.core.optim.LrSchedule} and {@link ai.llamafactory.core.optim.LrScheduler}: the
 *       multipliers of transformers' {@code get_scheduler}, in plain Java.</li>
 * </ul>
 */
package ai.llamafactory.core.optim;
