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
 *
 * <pre>{@code
 * try (CausalLm model = DjlModelLoader.load(folder, ComputePolicy.cpu())) {
 *     LoraModel lora = new LoraModel(model);
 *     lora.addAdapter("default", LoraConfig.builder().rank(16).target(LoraTarget.parse("all")).build());
 *     System.out.println(lora.parameterCounts());      // trainable params: ... || all params: ... || trainable%: ...
 *     try (AdamW opt = new AdamW(lora.paramGroups(1e-4, 0.01), AdamWConfig.defaults())) {
 *         // per step: lora.dropoutSeeds().setStepSeed(seed); forward, CausalLmLoss, backward, opt.step(lr)
 *     }
 *     lora.saveAdapter("default", outputDir, "Qwen/Qwen3-0.6B");   // loads in PEFT and vLLM
 *     try (var ref = lora.adaptersDisabled()) { ... }             // the reference model of DPO/KTO
 *     ModelExporter.export(lora, ExportConfig.builder(exportDir).exportSize(5).sourceFolder(folder).build());
 * }
 * }</pre>
 */
package ai.llamafactory.peft.lora;
