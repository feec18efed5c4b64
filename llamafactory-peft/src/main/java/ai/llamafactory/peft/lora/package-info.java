/**
 * LoRA adapters compatible with Hugging Face PEFT: low-rank adapters on any linear layer ({@link
 * ai.llamafactory.peft.lora.LoraLinear}), rsLoRA scaling, DoRA, PiSSA initialisation, LoRA+ parameter groups, fully
 * trained extra modules ({@code modules_to_save}), several named adapters on one base model ({@link
 * ai.llamafactory.peft.lora.LoraModel}), and PEFT's file layout ({@code adapter_config.json},
 * {@code adapter_model.safetensors}).
 *
 * <p>Parameter paths follow PEFT's in-memory names without the {@code base_model.model.} prefix, e.g.
 * {@code model.layers.0.self_attn.q_proj.lora_A.default.weight}; {@link ai.llamafactory.peft.lora.PeftNames}
 * converts between our paths, PEFT's in-memory names and the names stored in adapter files.
 */
package ai.llamafactory.peft.lora;
