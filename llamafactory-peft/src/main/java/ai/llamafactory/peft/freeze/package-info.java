/**
 * Freeze tuning (train the last or first n decoder layers, chosen sub-modules and extra modules, as LLaMA-Factory's
 * {@code finetuning_type: freeze}) and full tuning.
 */
package ai.llamafactory.peft.freeze;
