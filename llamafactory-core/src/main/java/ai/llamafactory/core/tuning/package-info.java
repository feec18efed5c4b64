/**
 * Fine-tuning methods: a {@link ai.llamafactory.core.tuning.TuningMethod} decides which parameters of a model train
 * (and adds adapters for LoRA and its variants), found per {@code finetuning_type} by
 * {@link ai.llamafactory.core.tuning.TuningMethods} among the {@link ai.llamafactory.core.tuning.TuningMethodProvider}s
 * on the class path (full and freeze tuning and the PEFT methods live in llamafactory-peft). The trainer applies a
 * method before training; the chat model applies one to load a run's adapters.
 */
package ai.llamafactory.core.tuning;
