package ai.llamafactory.api.config;

import ai.llamafactory.api.internal.EditDistance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every key a LLaMA-Factory configuration file may hold, sorted into four kinds:
 *
 * <ul>
 *   <li><b>known</b>: bound to a field of one of the six argument classes;
 *   <li><b>aliases</b>: older spellings of a known key ({@code evaluation_strategy});
 *   <li><b>ignored</b>: keys LLaMA-Factory and transformers accept that make no difference here (distributed training,
 *       dataloader workers, experiment trackers, remote code, kernels, multimodal processing); they are recorded and
 *       reported with the reason;
 *   <li><b>unsupported</b>: features that would change the result but are not implemented (Unsloth, APOLLO, FP8
 *       training, ...); accepted only at their off value, an error otherwise.
 * </ul>
 */
final class ConfigSchema {
    private ConfigSchema() {}

    /** A feature that is not implemented: accepted only at its off value. */
    static final class Unsupported {
        private final Object offValue;
        private final String reason;

        Unsupported(Object offValue, String reason) {
            this.offValue = offValue;
            this.reason = reason;
        }

        String reason() {
            return reason;
        }

        /** @return true when the raw value is the off value (false, null, 0, or the named default) */
        boolean isOff(Object raw) {
            if (offValue == null || raw == null) {
                return raw == offValue;
            }
            if (offValue instanceof Boolean) {
                return offValue.equals(raw)
                        || (raw instanceof String && offValue.toString().equalsIgnoreCase(((String) raw).trim()));
            }
            if (offValue instanceof Number) {
                try {
                    return ValueType.DOUBLE.decode(raw) == ((Number) offValue).doubleValue();
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            return raw instanceof String && offValue.toString().equalsIgnoreCase(((String) raw).trim());
        }
    }

    static final List<ArgumentGroup<?, ?>> GROUPS = List.of(
            ModelArguments.schema(),
            FinetuningArguments.schema(),
            DataArguments.schema(),
            TrainingArguments.schema(),
            GeneratingArguments.schema(),
            ExportArguments.schema());

    static final Map<String, String> ALIASES = Map.of("evaluation_strategy", "eval_strategy");

    static final Map<String, String> IGNORED;
    static final Map<String, Unsupported> UNSUPPORTED;
    private static final Map<String, ArgumentGroup<?, ?>> KNOWN;

    static {
        Map<String, String> ignored = new LinkedHashMap<>();
        ignore(
                ignored,
                "single-process training: there is nothing to distribute",
                "ddp_timeout",
                "ddp_backend",
                "ddp_find_unused_parameters",
                "ddp_bucket_cap_mb",
                "ddp_broadcast_buffers",
                "deepspeed",
                "fsdp",
                "fsdp_config",
                "fsdp_min_num_params",
                "fsdp_transformer_layer_cls_to_wrap",
                "local_rank",
                "accelerator_config",
                "tpu_num_cores",
                "tpu_metrics_debug",
                "average_tokens_across_devices",
                "eval_use_gather_object",
                "ray_run_name",
                "ray_storage_path",
                "ray_storage_filesystem",
                "ray_num_workers",
                "resources_per_worker",
                "placement_strategy",
                "ray_init_kwargs",
                "ray_scope",
                "master_addr",
                "master_port",
                "save_on_each_node",
                "log_on_each_node",
                "parallelism_config",
                "data_shared_file_system",
                "mp_parameters");
        ignore(
                ignored,
                "data is prepared and batched in-process",
                "preprocessing_num_workers",
                "preprocessing_batch_size",
                "dataloader_num_workers",
                "dataloader_pin_memory",
                "dataloader_persistent_workers",
                "dataloader_prefetch_factor",
                "length_column_name",
                "remove_unused_columns",
                "label_names",
                "include_inputs_for_metrics",
                "include_for_metrics",
                "eval_do_concat_batches",
                "batch_eval_metrics",
                "past_index",
                "eval_accumulation_steps",
                "torch_empty_cache_steps",
                "skip_memory_metrics",
                "use_legacy_prediction_loop",
                "prediction_loss_only",
                "sortish_sampler",
                "ignore_pad_token_for_loss",
                "restore_callback_states_from_checkpoint",
                "full_determinism");
        ignore(
                ignored,
                "throughput and token counts are always reported",
                "include_num_input_tokens_seen",
                "include_tokens_per_second",
                "include_effective_tokens_per_second");
        ignore(
                ignored,
                "prediction uses cutoff_len and the generation keys (max_new_tokens, num_beams)",
                "generation_max_length",
                "generation_num_beams",
                "generation_config",
                "eval_num_beams");
        ignore(
                ignored,
                "no experiment trackers: metrics go to listeners, trainer_log.jsonl and trainer_state.json",
                "report_to",
                "run_name",
                "logging_dir",
                "use_swanlab",
                "swanlab_project",
                "swanlab_workspace",
                "swanlab_run_name",
                "swanlab_mode",
                "swanlab_api_key",
                "swanlab_logdir",
                "swanlab_lark_webhook_url",
                "swanlab_lark_secret",
                "project",
                "trackio_space_id",
                "disable_tqdm",
                "log_level",
                "log_level_replica",
                "logging_nan_inf_filter",
                "debug",
                "print_param_status");
        ignore(ignored, "no Python code runs: models are read from config.json and safetensors", "trust_remote_code");
        ignore(
                ignored,
                "kernels, compilation and memory placement are chosen by the engine",
                "flash_attn",
                "enable_liger_kernel",
                "use_liger_kernel",
                "liger_kernel_config",
                "use_v1_kernels",
                "use_reentrant_gc",
                "use_unsloth_gc",
                "torch_compile",
                "torch_compile_backend",
                "torch_compile_mode",
                "torchdynamo",
                "jit_mode_eval",
                "use_ipex",
                "tf32",
                "half_precision_backend",
                "fp16_backend",
                "fp16_opt_level",
                "fp8_backend",
                "fp8_enable_fsdp_float8_all_gather",
                "low_cpu_mem_usage",
                "offload_folder",
                "quantization_device_map",
                "bf16_full_eval",
                "fp16_full_eval");
        ignore(
                ignored,
                "activation checkpointing is controlled by disable_gradient_checkpointing",
                "gradient_checkpointing",
                "gradient_checkpointing_kwargs");
        ignore(
                ignored,
                "bfloat16 cannot be computed on this engine: training runs with fp16 compute and fp32 master "
                        + "weights on CUDA, fp32 on CPU",
                "pure_bf16");
        ignore(ignored, "tokenizers are always the fast (Rust) tokenizers", "use_fast_tokenizer");
        ignore(
                ignored,
                "text-only models: vision, video and audio settings have no effect",
                "image_max_pixels",
                "image_min_pixels",
                "image_do_pan_and_scan",
                "crop_to_patches",
                "video_max_pixels",
                "video_min_pixels",
                "video_fps",
                "video_maxlen",
                "use_audio_in_video",
                "audio_sampling_rate",
                "freeze_vision_tower",
                "freeze_multi_modal_projector",
                "freeze_language_model",
                "media_dir");
        ignore(
                ignored,
                "generation runs on this library's engine",
                "infer_backend",
                "vllm_maxlen",
                "vllm_gpu_util",
                "vllm_enforce_eager",
                "vllm_max_lora_rank",
                "vllm_config",
                "sglang_maxlen",
                "sglang_mem_fraction",
                "sglang_tp_size",
                "sglang_config",
                "sglang_lora_backend",
                "kt_optimize_rule",
                "cpu_infer",
                "chunk_size",
                "mode",
                "kt_maxlen",
                "kt_use_cuda_graph",
                "kt_mode",
                "kt_force_think",
                "adapter_folder");
        ignore(
                ignored,
                "only the Hugging Face Hub is used, and nothing is pushed during training",
                "ms_hub_token",
                "om_hub_token",
                "hub_model_id",
                "hub_strategy",
                "hub_token",
                "hub_private_repo",
                "hub_always_push",
                "hub_revision",
                "push_to_hub_model_id",
                "push_to_hub_organization",
                "push_to_hub_token");
        ignore(
                ignored,
                "only used with use_apollo, which is not supported",
                "apollo_target",
                "apollo_rank",
                "apollo_update_interval",
                "apollo_scale",
                "apollo_proj",
                "apollo_proj_type",
                "apollo_scale_type",
                "apollo_layerwise",
                "apollo_scale_front");
        ignore(
                ignored,
                "only used with finetuning_type oft, which is not supported",
                "oft_rank",
                "oft_block_size",
                "oft_target",
                "module_dropout");
        ignore(
                ignored,
                "only used with use_eaft_loss or use_asft_loss, which are not supported",
                "eaft_alpha",
                "asft_alpha");
        ignore(ignored, "BAdam reports its blocks at debug log level", "badam_verbose");
        ignore(
                ignored,
                "weights are always written as safetensors (export_legacy_format applies to export)",
                "save_safetensors");
        IGNORED = Collections.unmodifiableMap(ignored);

        Map<String, Unsupported> unsupported = new LinkedHashMap<>();
        unsupported.put("use_unsloth", new Unsupported(false, "Unsloth is a Python/Triton library"));
        unsupported.put("shift_attn", new Unsupported(false, "S^2-Attn (LongLoRA) is not implemented"));
        unsupported.put("mixture_of_depths", new Unsupported(null, "mixture-of-depths is not implemented"));
        unsupported.put("use_apollo", new Unsupported(false, "the APOLLO optimizer is not implemented; use optim"));
        unsupported.put(
                "use_adam_mini", new Unsupported(false, "the Adam-mini optimizer is not implemented; use optim"));
        unsupported.put("use_muon", new Unsupported(false, "the Muon optimizer is not implemented; use optim"));
        unsupported.put("use_mca", new Unsupported(false, "Megatron-Core training is not available"));
        unsupported.put("use_kt", new Unsupported(false, "KTransformers is not available"));
        unsupported.put("fp8", new Unsupported(false, "FP8 training is not available"));
        unsupported.put("use_eaft_loss", new Unsupported(false, "the EAFT loss is not implemented"));
        unsupported.put("use_asft_loss", new Unsupported(false, "the ASFT loss is not implemented"));
        unsupported.put("label_smoothing_factor", new Unsupported(0, "label smoothing is not implemented"));
        unsupported.put(
                "push_to_hub",
                new Unsupported(
                        false,
                        "pushing to the hub during training is not implemented; "
                                + "use export_hub_model_id when exporting"));
        unsupported.put(
                "auto_find_batch_size", new Unsupported(false, "automatic batch-size search is not implemented"));
        unsupported.put("adafactor", new Unsupported(false, "use optim: adafactor"));
        unsupported.put("use_cpu", new Unsupported(false, "use device: cpu"));
        unsupported.put("no_cuda", new Unsupported(false, "use device: cpu"));
        unsupported.put("use_mps_device", new Unsupported(false, "Apple MPS is not supported"));
        unsupported.put(
                "split_special_tokens", new Unsupported(false, "the fast tokenizers never split special tokens"));
        unsupported.put(
                "new_special_tokens_config",
                new Unsupported(
                        null,
                        "token descriptions for initialisation are " + "not implemented; use add_special_tokens"));
        unsupported.put("init_special_tokens", new Unsupported("noise_init", "only noise_init is implemented"));
        // Accepted by transformers' TrainingArguments and changing what is trained or when it is evaluated.
        unsupported.put(
                "group_by_length",
                new Unsupported(
                        false,
                        "length-grouped batching is not implemented; " + "batches are drawn in seeded random order"));
        unsupported.put(
                "dataloader_drop_last",
                new Unsupported(false, "the last, smaller batch of an epoch is " + "always trained"));
        unsupported.put(
                "ignore_data_skip",
                new Unsupported(
                        false,
                        "a resumed run always continues with the next "
                                + "batch of the interrupted one (exact resume)"));
        unsupported.put("eval_on_start", new Unsupported(false, "evaluation runs every eval_steps and at the end"));
        unsupported.put("eval_delay", new Unsupported(0, "evaluation runs every eval_steps from the start"));
        unsupported.put(
                "optim_args", new Unsupported(null, "use adam_beta1, adam_beta2, adam_epsilon and " + "weight_decay"));
        unsupported.put(
                "optim_target_modules",
                new Unsupported(null, "only used by GaLore and APOLLO, which are " + "not supported"));
        UNSUPPORTED = Collections.unmodifiableMap(unsupported);

        Map<String, ArgumentGroup<?, ?>> known = new LinkedHashMap<>();
        for (ArgumentGroup<?, ?> group : GROUPS) {
            for (String key : group.keys().keySet()) {
                if (known.put(key, group) != null
                        || IGNORED.containsKey(key)
                        || UNSUPPORTED.containsKey(key)
                        || ALIASES.containsKey(key)) {
                    throw new IllegalStateException("configuration key declared twice: " + key);
                }
            }
        }
        KNOWN = Collections.unmodifiableMap(known);
    }

    private static void ignore(Map<String, String> table, String reason, String... keys) {
        for (String key : keys) {
            if (table.put(key, reason) != null) {
                throw new IllegalStateException("ignored key listed twice: " + key);
            }
        }
    }

    /** @return the group holding a known key, or null */
    static ArgumentGroup<?, ?> groupOf(String key) {
        return KNOWN.get(key);
    }

    /** @return every key a file may hold, in a stable order */
    static Set<String> allKeys() {
        Set<String> all = new LinkedHashSet<>(KNOWN.keySet());
        all.addAll(ALIASES.keySet());
        all.addAll(IGNORED.keySet());
        all.addAll(UNSUPPORTED.keySet());
        return all;
    }

    /** @return "unknown key 'x'; did you mean 'y'?" */
    static String unknownKey(String key) {
        List<String> candidates = new ArrayList<>(allKeys());
        return "unknown key '" + key + "'"
                + EditDistance.closest(key.toLowerCase(Locale.ROOT), candidates)
                        .map(s -> "; did you mean '" + s + "'?")
                        .orElse(" (not a LLaMA-Factory argument)");
    }
}
