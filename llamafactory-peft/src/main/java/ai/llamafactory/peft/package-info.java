/**
 * Parameter-efficient and classic fine-tuning of {@link ai.llamafactory.core.model.CausalLm} models: the LoRA family
 * ({@link ai.llamafactory.peft.lora}), freeze and full tuning ({@link ai.llamafactory.peft.freeze}), merging and
 * exporting ({@link ai.llamafactory.peft.export}), and the trainable-parameter report
 * ({@link ai.llamafactory.peft.TrainableParameters}).
 */
package ai.llamafactory.peft;
