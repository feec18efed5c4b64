package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.internal.EditDistance;
import ai.llamafactory.data.template.ChatTemplate.Kind;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLaMA-Factory's registered chat templates (the text-only ones), by name. Slots, stop words, default system prompts
 * and flags are LLaMA-Factory's ({@code data/template.py}).
 *
 * <pre>{@code
 * ChatTemplate qwen3 = TemplateRegistry.get("qwen3").withEnableThinking(false);
 * ChatTemplate t = TemplateRegistry.resolve(null, tokenizer); // derive from the tokenizer's chat_template
 * }</pre>
 */
public final class TemplateRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateRegistry.class);
    private static final Map<String, ChatTemplate> TEMPLATES = new LinkedHashMap<>();

    private static final String CHATML_USER = "<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n";
    private static final String CHATML_ASSISTANT = "{{content}}<|im_end|>\n";
    private static final String CHATML_SYSTEM = "<|im_start|>system\n{{content}}<|im_end|>\n";
    private static final String CHATML_TOOL = "<|im_start|>tool\n{{content}}<|im_end|>\n<|im_start|>assistant\n";
    private static final String QWEN_OBSERVATION =
            "<|im_start|>user\n<tool_response>\n{{content}}\n</tool_response><|im_end|>\n<|im_start|>assistant\n";
    private static final String LLAMA3_USER = "<|start_header_id|>user<|end_header_id|>\n\n{{content}}<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n";
    private static final String VICUNA_SYSTEM = "A chat between a curious user and an artificial intelligence "
            + "assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
    private static final String GEMMA_USER = "<start_of_turn>user\n{{content}}<end_of_turn>\n<start_of_turn>model\n";
    private static final String GEMMA_OBSERVATION =
            "<start_of_turn>tool\n{{content}}<end_of_turn>\n<start_of_turn>model\n";

    static {
        register(b("alpaca")
                .userSlots(t("### Instruction:\n{{content}}\n\n### Response:\n"))
                .assistantSlots(List.of(Slot.text("{{content}}"), Slot.eos(), Slot.text("\n\n")))
                .defaultSystem("Below is an instruction that describes a task. Write a response that appropriately "
                        + "completes the request.\n\n")
                .replaceJinjaTemplate(true));
        register(b("breeze")
                .userSlots(t("[INST] {{content}} [/INST] "))
                .prefixSlots(List.of(Slot.bos()))
                .efficientEos(true));
        register(b("chatml")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .observationSlots(t(CHATML_TOOL))
                .stopWords(List.of("<|im_end|>", "<|im_start|>"))
                .replaceEos(true)
                .replaceJinjaTemplate(true));
        register(b("chatml_de")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .observationSlots(t(CHATML_TOOL))
                .defaultSystem("Du bist ein freundlicher und hilfsbereiter KI-Assistent.")
                .stopWords(List.of("<|im_end|>", "<|im_start|>"))
                .replaceEos(true)
                .replaceJinjaTemplate(true));
        register(b("cohere")
                .userSlots(t("<|START_OF_TURN_TOKEN|><|USER_TOKEN|>{{content}}<|END_OF_TURN_TOKEN|>"
                        + "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>"))
                .systemSlots(t("<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>{{content}}<|END_OF_TURN_TOKEN|>"))
                .prefixSlots(List.of(Slot.bos())));
        register(b("cpm4")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .observationSlots(t(CHATML_TOOL))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|im_end|>")));
        register(b("deepseek")
                .userSlots(t("User: {{content}}\n\nAssistant:"))
                .systemSlots(t("{{content}}\n\n"))
                .prefixSlots(List.of(Slot.bos())));
        register(b("deepseek3").userSlots(t("<｜User｜>{{content}}<｜Assistant｜>")).prefixSlots(List.of(Slot.bos())));
        register(b("deepseekr1")
                .userSlots(t("<｜User｜>{{content}}<｜Assistant｜>"))
                .prefixSlots(List.of(Slot.bos()))
                .kind(Kind.REASONING));
        register(b("deepseekcoder")
                .userSlots(t("### Instruction:\n{{content}}\n### Response:"))
                .assistantSlots(t("\n{{content}}\n<|EOT|>\n"))
                .prefixSlots(List.of(Slot.bos()))
                .defaultSystem("You are an AI programming assistant, utilizing the DeepSeek Coder model, developed by "
                        + "DeepSeek Company, and you only answer questions related to computer science. For "
                        + "politically sensitive questions, security and privacy issues, and other non-computer "
                        + "science questions, you will refuse to answer.\n"));
        register(b("default")
                .userSlots(List.of(Slot.text("Human: {{content}}"), Slot.eos(), Slot.text("\nAssistant:")))
                .assistantSlots(List.of(Slot.text("{{content}}"), Slot.eos(), Slot.text("\n")))
                .systemSlots(List.of(Slot.text("System: {{content}}"), Slot.eos(), Slot.text("\n")))
                .replaceJinjaTemplate(true));
        register(b("empty").assistantSlots(t("{{content}}")));
        register(b("exaone")
                .userSlots(t("[|user|]{{content}}\n[|assistant|]"))
                .assistantSlots(List.of(Slot.text("{{content}}"), Slot.eos(), Slot.text("\n")))
                .systemSlots(t("[|system|]{{content}}[|endofturn|]\n")));
        register(b("falcon")
                .userSlots(t("User: {{content}}\nFalcon:"))
                .assistantSlots(t("{{content}}\n"))
                .efficientEos(true));
        register(b("fewshot")
                .assistantSlots(t("{{content}}\n\n"))
                .efficientEos(true)
                .replaceJinjaTemplate(true));
        register(b("gemma")
                .userSlots(t(GEMMA_USER))
                .assistantSlots(t("{{content}}<end_of_turn>\n"))
                .systemSlots(t("{{content}}\n\n"))
                .observationSlots(t(GEMMA_OBSERVATION))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<end_of_turn>"))
                .replaceEos(true)
                .kind(Kind.LLAMA2));
        register(b("gemma2")
                .userSlots(t(GEMMA_USER))
                .assistantSlots(t("{{content}}<end_of_turn>\n"))
                .systemSlots(t("{{content}}\n\n"))
                .observationSlots(t(GEMMA_OBSERVATION))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<eos>", "<end_of_turn>"))
                .efficientEos(true)
                .kind(Kind.LLAMA2));
        register(b("gemma3")
                .userSlots(t(GEMMA_USER))
                .assistantSlots(t("{{content}}<end_of_turn>\n"))
                .systemSlots(t("{{content}}\n\n"))
                .observationSlots(t(GEMMA_OBSERVATION))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<end_of_turn>"))
                .replaceEos(true)
                .kind(Kind.LLAMA2));
        register(b("glm4")
                .userSlots(t("<|user|>\n{{content}}<|assistant|>"))
                .assistantSlots(t("\n{{content}}"))
                .systemSlots(t("<|system|>\n{{content}}"))
                .functionSlots(t("{{content}}"))
                .observationSlots(t("<|observation|>\n{{content}}<|assistant|>"))
                .toolFormat(ToolFormat.GLM4)
                .prefixSlots(t("[gMASK]<sop>"))
                .stopWords(List.of("<|user|>", "<|observation|>"))
                .efficientEos(true));
        register(b("glmz1")
                .userSlots(t("<|user|>\n{{content}}<|assistant|>"))
                .assistantSlots(t("\n{{content}}"))
                .systemSlots(t("<|system|>\n{{content}}"))
                .functionSlots(t("{{content}}"))
                .observationSlots(t("<|observation|>\n{{content}}<|assistant|>"))
                .toolFormat(ToolFormat.GLM4)
                .prefixSlots(t("[gMASK]<sop>"))
                .stopWords(List.of("<|user|>", "<|observation|>"))
                .efficientEos(true)
                .kind(Kind.REASONING));
        register(b("granite3")
                .userSlots(t("<|start_of_role|>user<|end_of_role|>{{content}}<|end_of_text|>\n"
                        + "<|start_of_role|>assistant<|end_of_role|>"))
                .assistantSlots(t("{{content}}<|end_of_text|>\n"))
                .systemSlots(t("<|start_of_role|>system<|end_of_role|>{{content}}<|end_of_text|>\n")));
        register(b("granite4")
                .userSlots(t("<|start_of_role|>user<|end_of_role|>{{content}}<|end_of_text|>\n"
                        + "<|start_of_role|>assistant<|end_of_role|>"))
                .assistantSlots(t("{{content}}<|end_of_text|>\n"))
                .systemSlots(t("<|start_of_role|>system<|end_of_role|>{{content}}<|end_of_text|>\n"))
                .functionSlots(t("{{content}}<|end_of_text|>\n"))
                .observationSlots(t("<|start_of_role|>tool<|end_of_role|>{{content}}<|end_of_text|>\n"
                        + "<|start_of_role|>assistant\n"))
                .stopWords(List.of("<|end_of_text|>"))
                .defaultSystem("You are Granite, developed by IBM. You are a helpful AI assistant."));
        register(b("intern2")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .prefixSlots(List.of(Slot.bos()))
                .defaultSystem("You are an AI assistant whose name is InternLM (书生·浦语).\n- InternLM (书生·浦语) is a "
                        + "conversational language model that is developed by Shanghai AI Laboratory (上海人工智能实验室). "
                        + "It is designed to be helpful, honest, and harmless.\n- InternLM (书生·浦语) can understand "
                        + "and communicate fluently in the language chosen by the user such as English and 中文.")
                .stopWords(List.of("<|im_end|>")));
        register(b("llama2")
                .userSlots(List.of(Slot.bos(), Slot.text("[INST] {{content}} [/INST]")))
                .systemSlots(t("<<SYS>>\n{{content}}\n<</SYS>>\n\n"))
                .kind(Kind.LLAMA2));
        register(b("llama2_zh")
                .userSlots(List.of(Slot.bos(), Slot.text("[INST] {{content}} [/INST]")))
                .systemSlots(t("<<SYS>>\n{{content}}\n<</SYS>>\n\n"))
                .defaultSystem("You are a helpful assistant. 你是一个乐于助人的助手。")
                .kind(Kind.LLAMA2));
        register(b("llama3")
                .userSlots(t(LLAMA3_USER))
                .assistantSlots(t("{{content}}<|eot_id|>"))
                .systemSlots(t("<|start_header_id|>system<|end_header_id|>\n\n{{content}}<|eot_id|>"))
                .functionSlots(t("{{content}}<|eot_id|>"))
                .observationSlots(t("<|start_header_id|>ipython<|end_header_id|>\n\n{{content}}<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n"))
                .toolFormat(ToolFormat.LLAMA3)
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|eot_id|>", "<|eom_id|>"))
                .replaceEos(true));
        register(b("llama4")
                .userSlots(t("<|header_start|>user<|header_end|>\n\n{{content}}<|eot|>"
                        + "<|header_start|>assistant<|header_end|>\n\n"))
                .assistantSlots(t("{{content}}<|eot|>"))
                .systemSlots(t("<|header_start|>system<|header_end|>\n\n{{content}}<|eot|>"))
                .functionSlots(t("{{content}}<|eot|>"))
                .observationSlots(t("<|header_start|>ipython<|header_end|>\n\n{{content}}<|eot|>"
                        + "<|header_start|>assistant<|header_end|>\n\n"))
                .toolFormat(ToolFormat.LLAMA3)
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|eot|>", "<|eom|>"))
                .replaceEos(true));
        register(b("mimo")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .functionSlots(t(CHATML_ASSISTANT))
                .observationSlots(t(QWEN_OBSERVATION))
                .toolFormat(ToolFormat.QWEN)
                .defaultSystem("You are a helpful assistant.")
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true)
                .kind(Kind.REASONING));
        register(b("ministral")
                .userSlots(t("[INST]{{content}}[/INST]"))
                .systemSlots(t("{{content}}\n\n"))
                .functionSlots(List.of(Slot.text("[TOOL_CALLS]{{content}}"), Slot.eos()))
                .observationSlots(t("[TOOL_RESULTS]{\"content\": {{content}}}[/TOOL_RESULTS]"))
                .toolFormat(ToolFormat.MISTRAL)
                .prefixSlots(List.of(Slot.bos()))
                .kind(Kind.LLAMA2));
        register(b("mistral")
                .userSlots(t("[INST] {{content}}[/INST]"))
                .assistantSlots(List.of(Slot.text(" {{content}}"), Slot.eos()))
                .systemSlots(t("{{content}}\n\n"))
                .functionSlots(List.of(Slot.text("[TOOL_CALLS] {{content}}"), Slot.eos()))
                .observationSlots(t("[TOOL_RESULTS] {\"content\": {{content}}}[/TOOL_RESULTS]"))
                .toolFormat(ToolFormat.MISTRAL)
                .prefixSlots(List.of(Slot.bos()))
                .kind(Kind.LLAMA2));
        register(b("mistral_small")
                .userSlots(t("[INST]{{content}}[/INST]"))
                .systemSlots(t("[SYSTEM_PROMPT]{{content}}[/SYSTEM_PROMPT]"))
                .functionSlots(List.of(Slot.text("[TOOL_CALLS]{{content}}"), Slot.eos()))
                .observationSlots(t("[TOOL_RESULTS]{\"content\": {{content}}}[/TOOL_RESULTS]"))
                .toolFormat(ToolFormat.MISTRAL)
                .prefixSlots(List.of(Slot.bos())));
        register(b("olmo").userSlots(t("<|user|>\n{{content}}<|assistant|>\n")).prefixSlots(List.of(Slot.eos())));
        register(b("openchat")
                .userSlots(List.of(
                        Slot.text("GPT4 Correct User: {{content}}"), Slot.eos(), Slot.text("GPT4 Correct Assistant:")))
                .prefixSlots(List.of(Slot.bos())));
        register(b("openchat-3.6")
                .userSlots(t("<|start_header_id|>GPT4 Correct User<|end_header_id|>\n\n"
                        + "{{content}}<|eot_id|><|start_header_id|>GPT4 Correct Assistant<|end_header_id|>\n\n"))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|eot_id|>")));
        register(b("opencoder")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .observationSlots(t(CHATML_TOOL))
                .defaultSystem("You are OpenCoder, created by OpenCoder Team.")
                .stopWords(List.of("<|im_end|>")));
        register(b("phi").userSlots(t("<|user|>\n{{content}}<|end|>\n<|assistant|>\n"))
                .assistantSlots(t("{{content}}<|end|>\n"))
                .systemSlots(t("<|system|>\n{{content}}<|end|>\n"))
                .stopWords(List.of("<|end|>"))
                .replaceEos(true));
        register(b("phi4")
                .userSlots(t("<|im_start|>user<|im_sep|>{{content}}<|im_end|><|im_start|>assistant" + "<|im_sep|>"))
                .assistantSlots(t("{{content}}<|im_end|>"))
                .systemSlots(t("<|im_start|>system<|im_sep|>{{content}}<|im_end|>"))
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true));
        register(b("qwen")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .functionSlots(t(CHATML_ASSISTANT))
                .observationSlots(t(QWEN_OBSERVATION))
                .toolFormat(ToolFormat.QWEN)
                .defaultSystem("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true));
        register(b("qwen3")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .functionSlots(t(CHATML_ASSISTANT))
                .observationSlots(t(QWEN_OBSERVATION))
                .toolFormat(ToolFormat.QWEN)
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true)
                .kind(Kind.REASONING));
        register(b("qwen3_nothink")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .functionSlots(t(CHATML_ASSISTANT))
                .observationSlots(t(QWEN_OBSERVATION))
                .toolFormat(ToolFormat.QWEN)
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true));
        register(b("sailor")
                .userSlots(t("<|im_start|>question\n{{content}}<|im_end|>\n<|im_start|>answer\n"))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .defaultSystem("You are an AI assistant named Sailor created by Sea AI Lab. Your answer should be "
                        + "friendly, unbiased, faithful, informative and detailed.")
                .stopWords(List.of("<|im_end|>")));
        register(b("seed_coder")
                .userSlots(List.of(
                        Slot.bos(), Slot.text("user\n{{content}}"), Slot.eos(), Slot.bos(), Slot.text("assistant\n")))
                .systemSlots(List.of(Slot.bos(), Slot.text("system\n{{content}}"), Slot.eos()))
                .defaultSystem("You are an AI programming assistant, utilizing the Seed-Coder model, developed by "
                        + "ByteDance Seed, and you only answer questions related to computer science. For politically "
                        + "sensitive questions, security and privacy issues, and other non-computer science "
                        + "questions, you will refuse to answer.\n\n"));
        register(b("smollm")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .stopWords(List.of("<|im_end|>")));
        register(b("smollm2")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .stopWords(List.of("<|im_end|>"))
                .defaultSystem("You are a helpful AI assistant named SmolLM, trained by Hugging Face."));
        register(b("solar")
                .userSlots(t("### User:\n{{content}}\n\n### Assistant:\n"))
                .systemSlots(t("### System:\n{{content}}\n\n"))
                .efficientEos(true));
        register(b("starchat")
                .userSlots(t("<|user|>\n{{content}}<|end|>\n<|assistant|>"))
                .assistantSlots(t("{{content}}<|end|>\n"))
                .systemSlots(t("<|system|>\n{{content}}<|end|>\n"))
                .stopWords(List.of("<|end|>")));
        register(b("vicuna")
                .userSlots(t("USER: {{content}} ASSISTANT:"))
                .defaultSystem(VICUNA_SYSTEM)
                .replaceJinjaTemplate(true));
        register(b("xuanyuan")
                .userSlots(t("Human: {{content}} Assistant:"))
                .defaultSystem("以下是用户和人工智能助手之间的对话。用户以Human开头，人工智能助手以Assistant开头，"
                        + "会对人类提出的问题给出有帮助、高质量、详细和礼貌的回答，并且总是拒绝参与与不道德、"
                        + "不安全、有争议、政治敏感等相关的话题、问题和指示。\n"));
        register(b("yi").userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .stopWords(List.of("<|im_end|>")));
        register(b("yuan")
                .userSlots(List.of(Slot.text("{{content}}"), Slot.token("<sep>")))
                .assistantSlots(t("{{content}}<eod>\n"))
                .stopWords(List.of("<eod>")));
        register(b("zephyr")
                .userSlots(List.of(Slot.text("<|user|>\n{{content}}"), Slot.eos(), Slot.text("<|assistant|>\n")))
                .systemSlots(List.of(Slot.text("<|system|>\n{{content}}"), Slot.eos()))
                .defaultSystem("You are Zephyr, a helpful assistant."));
    }

    static {
        // text parts of multimodal and further model families (slots as in LLaMA-Factory)
        register(qwenLike("qwen2_vl").defaultSystem("You are a helpful assistant."));
        register(qwenLike("qwen3_vl").kind(Kind.REASONING));
        register(qwenLike("qwen3_vl_nothink"));
        register(qwenLike("qwen2_omni").defaultSystem("You are a helpful assistant."));
        register(qwenLike("qwen3_omni").kind(Kind.REASONING));
        register(qwenLike("qwen3_omni_nothink"));
        register(qwenLike("keye_vl").kind(Kind.REASONING));
        register(qwenLike("llava_next_qwen").defaultSystem("You are a helpful assistant."));
        register(qwenLike("mimo_v2")
                .defaultSystem("You are MiMo, a helpful AI assistant engineered by Xiaomi.")
                .thoughtWords("<think>", "</think>")
                .kind(Kind.REASONING));
        register(qwenLike("mimo_vl")
                .defaultSystem("You are MiMo, an AI assistant developed by Xiaomi.")
                .kind(Kind.REASONING));
        register(b("qwen2_audio")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .defaultSystem("You are a helpful assistant.")
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true));
        for (String name : List.of("llava_next_yi", "llava_next_video_yi")) {
            register(b(name).userSlots(t(CHATML_USER))
                    .assistantSlots(t(CHATML_ASSISTANT))
                    .systemSlots(t(CHATML_SYSTEM))
                    .stopWords(List.of("<|im_end|>")));
        }
        for (String name : List.of("minicpm_v", "minicpm_v_4_6")) {
            register(b(name).userSlots(t(CHATML_USER))
                    .assistantSlots(t(CHATML_ASSISTANT))
                    .systemSlots(t(CHATML_SYSTEM))
                    .stopWords(List.of("<|im_end|>"))
                    .defaultSystem("You are a helpful assistant."));
        }
        register(b("minicpm_o")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .stopWords(List.of("<|im_end|>"))
                .defaultSystem("You are a helpful assistant. You can accept audio and text input and output voice "
                        + "and text."));
        register(b("intern_vl")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .prefixSlots(List.of(Slot.bos()))
                .defaultSystem("你是书生·万象，英文名是InternVL，是由上海人工智能实验室、清华大学及多家合作单位联合开发的多模态大语言模型。")
                .stopWords(List.of("<|im_end|>")));
        register(b("intern_s1")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|im_end|>")));
        register(b("falcon_h1")
                .userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .observationSlots(t(CHATML_TOOL))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|im_end|>", "<|end_of_text|>")));
        register(b("ernie")
                .userSlots(t("<|im_start|>user\n{{content}}<|im_end|>\n\n<|im_start|>assistant\n"))
                .assistantSlots(t("{{content}}<|im_end|>\n\n"))
                .systemSlots(t("<|im_start|>system\n{{content}}<|im_end|>\n\n"))
                .observationSlots(t("<|im_start|>tool\n{{content}}<|im_end|>\n\n<|im_start|>assistant\n"))
                .defaultSystem("<global_setting>\nthink_mode=True\n</global_setting>")
                .stopWords(List.of("<|im_end|>")));
        register(b("ernie_nothink")
                .userSlots(t("User: {{content}}\nAssistant: "))
                .assistantSlots(t("{{content}}<|end_of_sentence|>"))
                .systemSlots(t("{{content}}\n"))
                .prefixSlots(t("<|begin_of_sentence|>"))
                .stopWords(List.of("<|end_of_sentence|>")));
        register(b("ernie_vl")
                .userSlots(t("User: {{content}}"))
                .assistantSlots(t("\nAssistant: {{content}}<|end_of_sentence|>"))
                .systemSlots(t("{{content}}\n"))
                .stopWords(List.of("<|end_of_sentence|>"))
                .replaceEos(true)
                .replaceJinjaTemplate(true)
                .kind(Kind.REASONING));
        register(b("gpt_oss")
                .userSlots(t("<|start|>user<|message|>{{content}}<|end|><|start|>assistant"))
                .assistantSlots(t("{{content}}"))
                .systemSlots(t("<|start|>system<|message|>{{content}}<|end|>"))
                .defaultSystem("You are ChatGPT, a large language model trained by OpenAI.")
                .thoughtWords("<|channel|>analysis<|message|>", "<|end|><|start|>assistant<|channel|>final<|message|>")
                .efficientEos(true)
                .kind(Kind.REASONING));
        register(b("granite3_vision")
                .userSlots(t("<|user|>\n{{content}}\n<|assistant|>\n"))
                .systemSlots(t("<|system|>\n{{content}}\n"))
                .defaultSystem(VICUNA_SYSTEM));
        register(b("index")
                .userSlots(t("reserved_0{{content}}reserved_1"))
                .systemSlots(t("<unk>{{content}}"))
                .efficientEos(true));
        register(b("hunyuan")
                .userSlots(t("{{content}}<|extra_0|>"))
                .assistantSlots(t("{{content}}<|eos|>"))
                .systemSlots(t("{{content}}<|extra_4|>"))
                .prefixSlots(t("<|startoftext|>"))
                .stopWords(List.of("<|eos|>")));
        register(b("hunyuan_small")
                .userSlots(t("<｜hy_User｜>{{content}}<｜hy_place▁holder▁no▁8｜>"))
                .assistantSlots(t("{{content}}<｜hy_place▁holder▁no▁2｜>"))
                .systemSlots(t("{{content}}<｜hy_place▁holder▁no▁3｜>"))
                .prefixSlots(t("<｜hy_begin▁of▁sentence｜>"))
                .stopWords(List.of("<｜hy_place▁holder▁no▁2｜>")));
        register(b("hy_dense_1_8b")
                .userSlots(t("<｜hy_User｜>{{content}}"))
                .assistantSlots(t("<｜hy_Assistant｜>{{content}}"))
                .systemSlots(t("{{content}}<｜hy_place▁holder▁no▁3｜>"))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<｜hy_place▁holder▁no▁2｜>"))
                .efficientEos(true));
        register(b("hy_dense_7b")
                .userSlots(t("{{content}}<|extra_0|>"))
                .assistantSlots(t("{{content}}"))
                .systemSlots(t("{{content}}<|extra_4|>"))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|eos|>"))
                .efficientEos(true));
        register(b("hy3").userSlots(t("<｜hy_User｜>{{content}}<｜hy_Assistant｜>"))
                .assistantSlots(t("{{content}}<｜hy_eos｜>"))
                .systemSlots(t("{{content}}"))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<｜hy_eos｜>"))
                .replaceEos(true)
                .thoughtWords("<think>", "</think>")
                .kind(Kind.REASONING));
        register(b("kimi_vl")
                .userSlots(t(
                        "<|im_user|>user<|im_middle|>{{content}}<|im_end|><|im_assistant|>" + "assistant<|im_middle|>"))
                .assistantSlots(t("{{content}}<|im_end|>"))
                .systemSlots(t("<|im_system|>system<|im_middle|>{{content}}<|im_end|>"))
                .defaultSystem("You are a helpful assistant")
                .stopWords(List.of("<|im_end|>"))
                .thoughtWords("◁think▷", "◁/think▷")
                .kind(Kind.REASONING));
        register(b("moonlight")
                .userSlots(t(
                        "<|im_user|>user<|im_middle|>{{content}}<|im_end|><|im_assistant|>" + "assistant<|im_middle|>"))
                .assistantSlots(t("{{content}}<|im_end|>"))
                .systemSlots(t("<|im_system|>system<|im_middle|>{{content}}<|im_end|>"))
                .defaultSystem("You are a helpful assistant provided by Moonshot-AI.")
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true));
        for (String name : List.of("llava", "llava_next", "llava_next_video", "video_llava")) {
            register(b(name).userSlots(t("USER: {{content}} ASSISTANT:")).defaultSystem(VICUNA_SYSTEM));
        }
        for (String name : List.of("llava_next_llama3", "mllama")) {
            register(llama3Like(name));
        }
        for (String name : List.of("llava_next_mistral", "llava_next_video_mistral")) {
            register(b(name).userSlots(t("[INST] {{content}}[/INST]"))
                    .assistantSlots(List.of(Slot.text(" {{content}}"), Slot.eos()))
                    .systemSlots(t("{{content}}\n\n"))
                    .functionSlots(List.of(Slot.text("[TOOL_CALLS] {{content}}"), Slot.eos()))
                    .observationSlots(t("[TOOL_RESULTS] {\"content\": {{content}}}[/TOOL_RESULTS]"))
                    .toolFormat(ToolFormat.MISTRAL)
                    .prefixSlots(List.of(Slot.bos()))
                    .kind(Kind.LLAMA2));
        }
        for (String name : List.of("ministral3", "pixtral")) {
            register(b(name).userSlots(t("[INST]{{content}}[/INST]"))
                    .systemSlots(t("{{content}}\n\n"))
                    .functionSlots(List.of(Slot.text("[TOOL_CALLS]{{content}}"), Slot.eos()))
                    .observationSlots(t("[TOOL_RESULTS]{\"content\": {{content}}}[/TOOL_RESULTS]"))
                    .toolFormat(ToolFormat.MISTRAL)
                    .prefixSlots(List.of(Slot.bos()))
                    .kind(Kind.LLAMA2));
        }
        register(b("gemma3n")
                .userSlots(t(GEMMA_USER))
                .assistantSlots(t("{{content}}<end_of_turn>\n"))
                .systemSlots(t("{{content}}\n\n"))
                .observationSlots(t(GEMMA_OBSERVATION))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<end_of_turn>"))
                .replaceEos(true)
                .kind(Kind.LLAMA2));
        register(b("paligemma")
                .userSlots(t("{{content}}\n"))
                .prefixSlots(List.of(Slot.bos()))
                .kind(Kind.LLAMA2));
        register(b("paligemma_chat")
                .userSlots(t(GEMMA_USER))
                .assistantSlots(t("{{content}}<end_of_turn>\n"))
                .observationSlots(t(GEMMA_OBSERVATION))
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<end_of_turn>"))
                .replaceEos(true)
                .kind(Kind.LLAMA2));
        register(glm4Like("glm4v")
                .stopWords(List.of("<|user|>", "<|observation|>", "</answer>"))
                .kind(Kind.REASONING));
        register(glm4Like("glm_ocr"));
        register(b("dots_ocr")
                .userSlots(t("<|user|>{{content}}<|endofuser|><|assistant|>"))
                .assistantSlots(t("{{content}}<|endofassistant|>"))
                .systemSlots(t("<|system|>{{content}}<|endofsystem|>\n"))
                .stopWords(List.of("<|endofassistant|>"))
                .efficientEos(true));
        register(b("telechat2")
                .userSlots(t("<_user>{{content}}<_bot>"))
                .systemSlots(t("<_system>{{content}}"))
                .defaultSystem("你是中国电信星辰语义大模型，英文名是TeleChat，你是由中电信人工智能科技有限公司和中国电信人工智能研究院" + "（TeleAI）研发的人工智能助手。"));
        register(b("yi_vl")
                .userSlots(t("### Human: {{content}}\n### Assistant:"))
                .assistantSlots(t("{{content}}\n"))
                .defaultSystem("This is a chat between an inquisitive human and an AI assistant. Assume the role of "
                        + "the AI assistant. Read all the images carefully, and respond to the human's questions with "
                        + "informative, helpful, detailed and polite answers. 这是一个好奇的人类和一个人工智能助手之间的对话。"
                        + "假设你扮演这个AI助手的角色。仔细阅读所有的图像，并对人类的问题做出信息丰富、有帮助、详细的和礼貌的回答。\n\n")
                .stopWords(List.of("###"))
                .efficientEos(true));
        register(b("phi4_mini")
                .userSlots(t("<|user|>{{content}}<|end|><|assistant|>"))
                .assistantSlots(t("{{content}}<|end|>"))
                .systemSlots(t("<|system|>{{content}}<|end|>"))
                .stopWords(List.of("<|end|>"))
                .replaceEos(true));
    }

    private static ChatTemplate.Builder qwenLike(String name) {
        return b(name).userSlots(t(CHATML_USER))
                .assistantSlots(t(CHATML_ASSISTANT))
                .systemSlots(t(CHATML_SYSTEM))
                .functionSlots(t(CHATML_ASSISTANT))
                .observationSlots(t(QWEN_OBSERVATION))
                .toolFormat(ToolFormat.QWEN)
                .stopWords(List.of("<|im_end|>"))
                .replaceEos(true);
    }

    private static ChatTemplate.Builder llama3Like(String name) {
        return b(name).userSlots(t(LLAMA3_USER))
                .assistantSlots(t("{{content}}<|eot_id|>"))
                .systemSlots(t("<|start_header_id|>system<|end_header_id|>\n\n{{content}}<|eot_id|>"))
                .functionSlots(t("{{content}}<|eot_id|>"))
                .observationSlots(t("<|start_header_id|>ipython<|end_header_id|>\n\n{{content}}<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n"))
                .toolFormat(ToolFormat.LLAMA3)
                .prefixSlots(List.of(Slot.bos()))
                .stopWords(List.of("<|eot_id|>", "<|eom_id|>"))
                .replaceEos(true);
    }

    private static ChatTemplate.Builder glm4Like(String name) {
        return b(name).userSlots(t("<|user|>\n{{content}}<|assistant|>"))
                .assistantSlots(t("\n{{content}}"))
                .systemSlots(t("<|system|>\n{{content}}"))
                .functionSlots(t("{{content}}"))
                .observationSlots(t("<|observation|>\n{{content}}<|assistant|>"))
                .toolFormat(ToolFormat.GLM4)
                .prefixSlots(t("[gMASK]<sop>"))
                .stopWords(List.of("<|user|>", "<|observation|>"))
                .efficientEos(true);
    }

    private TemplateRegistry() {}

    private static ChatTemplate.Builder b(String name) {
        return ChatTemplate.builder(name);
    }

    private static List<Slot> t(String text) {
        return List.of(Slot.text(text));
    }

    private static void register(ChatTemplate.Builder builder) {
        ChatTemplate t = builder.build();
        if (TEMPLATES.putIfAbsent(t.name(), t) != null) {
            throw new IllegalStateException("Template " + t.name() + " already exists");
        }
    }

    /** @return every registered name, in registration order */
    public static List<String> names() {
        return List.copyOf(TEMPLATES.keySet());
    }

    /**
     * @param name a template name
     * @return whether it is registered
     */
    public static boolean contains(String name) {
        return TEMPLATES.containsKey(name);
    }

    /**
     * @param name a template name ({@code template} key)
     * @return the registered template
     * @throws InvalidConfigException for an unknown name, suggesting the closest registered names
     */
    public static ChatTemplate get(String name) {
        ChatTemplate t = TEMPLATES.get(name);
        if (t == null) {
            throw new InvalidConfigException("template: unknown value '" + name + "'. Did you mean "
                    + closestNames(name == null ? "" : name, 3) + "? Registered templates: " + names());
        }
        return t;
    }

    /**
     * LLaMA-Factory's template selection: the named template, else one derived from the tokenizer's Jinja
     * chat_template, else {@code empty}.
     *
     * @param name a template name, or null
     * @param tokenizer the model's tokenizer
     * @return the template
     * @throws InvalidConfigException for an unknown name
     */
    public static ChatTemplate resolve(String name, Tokenizer tokenizer) {
        if (name != null) {
            return get(name);
        }
        if (tokenizer.chatTemplate().isPresent()) {
            LOG.warn("`template` was not specified, deriving it from the tokenizer's chat_template");
            return ChatTemplate.parse(tokenizer);
        }
        LOG.warn("`template` was not specified and the tokenizer has no chat_template; using `empty`");
        return get("empty");
    }

    /**
     * @param name a misspelt name
     * @param count how many suggestions
     * @return the registered names with the smallest edit distance to it
     */
    static List<String> closestNames(String name, int count) {
        List<String> all = new ArrayList<>(TEMPLATES.keySet());
        all.sort(Comparator.comparingInt((String n) -> EditDistance.between(name.toLowerCase(), n))
                .thenComparing(n -> n));
        return Collections.unmodifiableList(all.subList(0, Math.min(count, all.size())));
    }

    /** @return the names of the templates whose assistant turns start with a thought (reasoning templates) */
    public static Set<String> reasoningTemplateNames() {
        Set<String> out = new java.util.TreeSet<>();
        TEMPLATES.forEach((n, t) -> {
            if (t.kind() == Kind.REASONING) {
                out.add(n);
            }
        });
        return out;
    }
}
