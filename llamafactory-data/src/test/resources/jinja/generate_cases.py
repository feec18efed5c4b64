"""Regenerates jinja_cases.json: expected outputs of Jinja snippets rendered by the reference jinja2 package,
configured as transformers configures it for chat templates (ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, a `generation` block tag, transformers' tojson/raise_exception/strftime_now).

Run: python3 generate_cases.py  (needs jinja2 >= 3.1)
"""
import json
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationTag(Extension):
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: datetime(2024, 7, 26, 9, 5, 3).strftime(fmt)

MSGS = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi there"},
    {"role": "assistant", "content": "<think>\nplan\n</think>\n\nHello!"},
    {"role": "user", "content": "Bye"},
]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Name"},
                         "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}}]

CASES = [
    ("text", "plain text", {}),
    ("variable", "Hello {{ name }}!", {"name": "Ann"}),
    ("undefined prints empty", "[{{ missing }}]", {}),
    ("none prints None", "{{ x }}", {"x": None}),
    ("bools and numbers", "{{ t }} {{ f }} {{ 3 }} {{ 2.5 }} {{ 1/2 }} {{ 7//2 }} {{ -7//2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2**10 }} {{ 1.0 }} {{ 10/5 }}", {"t": True, "f": False}),
    ("float repr", "{{ 1e20 }} {{ 1.5e-7 }} {{ 0.1 + 0.2 }} {{ 123456789.125 }}", {}),
    ("trim_blocks", "{% if true %}\nyes\n{% endif %}\nafter", {}),
    ("lstrip_blocks", "line\n    {% if true %}\n    inside\n    {% endif %}\nend", {}),
    ("minus strips", "a   {%- if true -%}   b   {%- endif -%}   c", {}),
    ("variable minus", "a \n {{- 'x' -}} \n b", {}),
    ("plus disables lstrip", "x\n   {%+ if true %}y{% endif %}", {}),
    ("comment", "a {# hidden #} b\n{# whole line #}\nc", {}),
    ("comment lstrip", "a\n    {# c #}\nb", {}),
    ("trailing newline dropped", "abc\n", {}),
    ("crlf normalised", "a\r\nb{% if true %}\r\nc{% endif %}", {}),
    ("raw", "{% raw %}{{ not rendered }}{% endraw %}!", {}),
    ("for loop vars", "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}:{{ x }};{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("for else", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {"xs": []}),
    ("for filter", "{% for x in xs if x > 1 %}{{ loop.index }}{{ x }}{% endfor %}", {"xs": [1, 2, 3]}),
    ("for unpack items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("for over dict", "{% for k in d %}{{ k }}{% endfor %}", {"d": {"x": 1, "y": 2}}),
    ("for over string", "{% for c in 'abc' %}[{{ c }}]{% endfor %}", {}),
    ("previtem nextitem", "{% for x in xs %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }}|{% endfor %}", {"xs": [1, 2, 3]}),
    ("cycle", "{% for x in xs %}{{ loop.cycle('odd', 'even') }}{% endfor %}", {"xs": [1, 2, 3]}),
    ("break continue", "{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {"xs": [1, 2, 3, 4, 5]}),
    ("loop scope", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}", {}),
    ("namespace", "{% set ns = namespace(total=0, found=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns.found }}", {}),
    ("namespace dict", "{% set ns = namespace({'a': 1}) %}{{ ns.a }}", {}),
    ("reverse slice", "{% for m in messages[::-1] %}{{ m.role }},{% endfor %}", {"messages": MSGS}),
    ("slices", "{{ xs[1:] }} {{ xs[:2] }} {{ xs[-2:] }} {{ xs[::2] }} {{ xs[1:-1] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ xs[5:] }} {{ xs[3:0:-1] }}", {"xs": [0, 1, 2, 3]}),
    ("negative index", "{{ xs[-1] }} {{ xs[0] }} [{{ xs[9] }}]", {"xs": ["a", "b"]}),
    ("dict access", "{{ m['role'] }} {{ m.role }} {{ m.get('x', 'dflt') }} {{ m.get('role') }}", {"m": {"role": "user"}}),
    ("is defined", "{{ m.x is defined }} {{ m.role is defined }} {{ m.x is not defined }} {{ y is undefined }}", {"m": {"role": "user"}}),
    ("is tests", "{{ 's' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is iterable }} {{ none is none }} {{ 3 is number }} {{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ true is boolean }} {{ 1 is integer }} {{ 1.5 is float }} {{ x is sequence }} {{ false is false }} {{ 'a' is lower }}", {"x": [1]}),
    ("in operator", "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'cat' }} {{ not 'a' in 'cat' }}", {}),
    ("comparisons", "{{ 1 < 2 }} {{ 2 <= 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ [1] == [1] }} {{ 1 != 2 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}", {}),
    ("logic returns operands", "{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ '' and 'b' }}|{{ none or none }}", {}),
    ("conditional expression", "{{ 'yes' if t else 'no' }} [{{ 'only' if f }}]", {"t": 1, "f": 0}),
    ("string concat", "{{ 'a' + 'b' }} {{ 'a' ~ 1 ~ none }} {{ [1] + [2] }}", {}),
    ("string methods", "{{ '  x  '.strip() }}|{{ '--x--'.strip('-') }}|{{ '\\n\\nx'.lstrip('\\n') }}|{{ 'x  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'abc'.startswith('ab') }}|{{ 'abc'.endswith(('x', 'c')) }}|{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'Hi'.upper() }}|{{ 'Hi'.lower() }}|{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.rfind('b') }}|{{ 'abcb'.count('b') }}|{{ '-'.join(['a', 'b']) }}|{{ '12'.isdigit() }}|{{ 'a\\nb'.splitlines() }}", {}),
    ("think split", "{% set c = m.split('</think>')[-1].lstrip('\\n') %}{% set r = m.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}[{{ r }}][{{ c }}]", {"m": "<think>\nplan\n</think>\n\nHello!"}),
    ("filters basic", "{{ xs|length }} {{ 'abc'|length }} {{ xs|first }} {{ xs|last }} {{ xs|join('-') }} {{ '  t '|trim }} {{ 'a'|upper }} {{ 'A'|lower }} {{ 'hi there'|title }} {{ 'hi'|capitalize }} {{ xs|reverse|list }} {{ 'abc'|reverse }} {{ 3.7|int }} {{ '42'|int }} {{ 'x'|int }} {{ '2.5'|float }} {{ -3|abs }} {{ 2.567|round(2) }} {{ 2.5|round }} {{ 'aXa'|replace('a', 'b') }} {{ 5|string }}", {"xs": [3, 1, 2]}),
    ("default filter", "{{ missing|default('d') }} {{ ''|default('d') }} {{ ''|default('d', true) }} {{ x|d('y') }}", {"x": "set"}),
    ("tojson", "{{ tools|tojson }}\n{{ {'a': 'é\"\\n', 'b': [1, 2.5, true, none]}|tojson }}\n{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}\n{{ [1, {'x': []}]|tojson(indent=2) }}\n{{ 'x'|tojson }}\n{{ {'k': {}}|tojson(separators=(',', ':')) }}", {"tools": TOOLS}),
    ("selectattr map", "{{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|join(',') }}|{{ messages|rejectattr('role', 'equalto', 'user')|list|length }}|{{ messages|map(attribute='role')|unique|list }}|{{ [1, 2, 3, 4]|select('even')|list }}|{{ [0, 1, '']|select|list }}|{{ ['a', 'b']|map('upper')|list }}", {"messages": MSGS}),
    ("items dictsort sort", "{{ d|items|list }} {{ d|dictsort }} {{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ ['b', 'A', 'c']|sort }} {{ [{'n': 2}, {'n': 1}]|sort(attribute='n')|map(attribute='n')|list }} {{ [1, 5, 3]|max }} {{ [1, 5, 3]|min }} {{ [1, 2, 3]|sum }}", {"d": {"b": 2, "a": 1}}),
    ("indent", "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'x\\n\\ny'|indent(width=3, blank=true) }}", {}),
    ("macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C') }}", {}),
    ("set block", "{% set body %}x{{ 1 + 1 }}y{% endset %}[{{ body }}]", {}),
    ("set tuple", "{% set a, b = [1, 2] %}{{ a }}{{ b }}", {}),
    ("filter block", "{% filter upper %}abc {{ 'd' }}{% endfilter %}", {}),
    ("range", "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(3, 0, -1)|list }}", {}),
    ("dict literal and list", "{{ {'a': 1, 'b': [1, 2]}['b'][1] }} {{ [1, 2, 3][1:] }} {{ (1, 2) }} {{ (1,) }}", {}),
    ("elif chain", "{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %},{% endfor %}", {}),
    ("nested loops loop var", "{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}", {}),
    ("strftime", "{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M:%S') }} {{ strftime_now('%B %A %-d') }}", {}),
    ("generation block", "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}|{% endfor %}", {"messages": MSGS}),
    ("string escapes", "{{ 'tab\\there' }}|{{ \"dq'\" }}|{{ 'a\\\\b' }}|{{ 'u\\u00e9' }}", {}),
    ("repr of containers", "{{ ['a', \"b'c\", 1, none, true] }} {{ {'k': 'v', 1: 2.0} }}", {}),
    ("whitespace control mix", "<s>\n{%- for m in messages %}\n  {%- if m.role == 'user' %}\n    [U]{{ m.content }}\n  {%- else %}\n    [O]{{ m.content }}\n  {%- endif %}\n{%- endfor %}\n</s>", {"messages": MSGS}),
    ("raise_exception", "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}", {"messages": MSGS}),
    ("attribute of undefined fails", "{{ nothing.attr }}", {}),
    ("list append forbidden", "{% set xs = [] %}{{ xs.append(1) }}", {}),
    ("string plus int fails", "{{ 'a' + 1 }}", {}),
    ("content is string branches", "{% for m in messages %}{% if m.content is string %}S{% else %}{% for c in m.content %}{{ c.text }}{% endfor %}{% endif %}{% endfor %}", {"messages": [{"role": "user", "content": "x"}, {"role": "user", "content": [{"type": "text", "text": "T1"}, {"type": "text", "text": "T2"}]}]}),
    ("bos token and tools none", "{{ bos_token }}{% if tools is not none %}tools{% else %}no tools{% endif %}|{{ tools is defined }}", {"bos_token": "<s>", "tools": None}),
]


# Chat templates in the style of published models (their rendered outputs below come from jinja2 itself).
DEEPSEEK_R1 = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<\uff5cUser\uff5c>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is not none %}{%- if ns.is_tool %}{{'<tool_outputs_end>' + message['content'] + eos_token}}{%- set ns.is_tool = false -%}{%- else %}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<\uff5cAssistant\uff5c>' + content + eos_token}}{%- endif %}{%- endif %}{%- endfor -%}{% if add_generation_prompt and not ns.is_tool %}{{'<\uff5cAssistant\uff5c><think>\\n'}}{% endif %}"
GEMMA = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
MISTRAL = "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n\n{{- bos_token }}\n{%- for message in loop_messages %}\n    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}\n    {%- endif %}\n    {%- if message['role'] == 'user' %}\n        {%- if loop.first and system_message is defined %}\n            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n        {{- ' ' + message['content'] + eos_token}}\n    {%- else %}\n        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}\n    {%- endif %}\n{%- endfor %}\n"
LLAMA31 = "{{- bos_token }}\n{%- if custom_tools is defined %}\n    {%- set tools = custom_tools %}\n{%- endif %}\n{%- if not tools_in_user_message is defined %}\n    {%- set tools_in_user_message = true %}\n{%- endif %}\n{%- if not date_string is defined %}\n    {%- set date_string = \"26 Jul 2024\" %}\n{%- endif %}\n{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n\n{#- This block extracts the system message, so we can slot it into the right place. #}\n{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n\n{#- System message + builtin tools #}\n{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n{%- if builtin_tools is defined or tools is not none %}\n    {{- \"Environment: ipython\\n\" }}\n{%- endif %}\n{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n{%- if tools is not none and not tools_in_user_message %}\n    {{- \"You have access to the following functions.\" }}\n{%- endif %}\n{{- system_message }}\n{{- \"<|eot_id|>\" }}\n\n{#- Custom tools are passed in a user message with some extra guidance #}\n{%- if tools_in_user_message and not tools is none %}\n    {#- Extract the first user message so we can plug it in here #}\n    {%- if messages | length != 0 %}\n        {%- set first_user_message = messages[0]['content']|trim %}\n        {%- set messages = messages[1:] %}\n    {%- else %}\n        {{- raise_exception(\"Cannot put tools in the first user message when there's no first user message!\") }}\n{%- endif %}\n    {{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}\n    {{- \"Given the following functions, please respond with a JSON for a function call \" }}\n    {{- \"with its proper arguments that best answers the given prompt.\\n\\n\" }}\n    {%- for t in tools %}\n        {{- t | tojson(indent=4) }}\n        {{- \"\\n\\n\" }}\n    {%- endfor %}\n    {{- first_user_message + \"<|eot_id|>\"}}\n{%- endif %}\n\n{%- for message in messages %}\n    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}\n        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n    {%- elif 'tool_calls' in message %}\n        {%- set tool_call = message.tool_calls[0].function %}\n        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}\n        {{- '{\"name\": \"' + tool_call.name + '\", ' }}\n        {{- '\"parameters\": ' }}\n        {{- tool_call.arguments | tojson }}\n        {{- \"}\" }}\n        {{- \"<|eot_id|>\" }}\n    {%- elif message.role == \"tool\" or message.role == \"ipython\" %}\n        {{- \"<|start_header_id|>ipython<|end_header_id|>\\n\\n\" }}\n        {%- if message.content is mapping or message.content is iterable %}\n            {{- message.content | tojson }}\n        {%- else %}\n            {{- message.content }}\n        {%- endif %}\n        {{- \"<|eot_id|>\" }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n"
PHI3 = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}"
CHAT = [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "<think>\nx\n</think>\n\nHello."}, {"role": "user", "content": "More?"}]
SYS_CHAT = [{"role": "system", "content": "Sys."}] + CHAT
TOOL_CHAT = [{"role": "user", "content": "Weather in Paris?"},
             {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
             {"role": "tool", "content": "22C"}]
SPECIAL = {"bos_token": "<s>", "eos_token": "</s>"}
for tname, tsrc in [("deepseek-r1 style", DEEPSEEK_R1), ("gemma style", GEMMA), ("mistral style", MISTRAL),
                    ("llama-3.1 style", LLAMA31), ("phi-3 style", PHI3)]:
    for cname, msgs in [("chat", CHAT), ("system chat", SYS_CHAT), ("tool chat", TOOL_CHAT)]:
        for gen in (False, True):
            v = dict(SPECIAL, messages=msgs, add_generation_prompt=gen)
            if cname == "tool chat":
                v["tools"] = TOOLS
            CASES.append((f"{tname}: {cname}{' + generation prompt' if gen else ''}", tsrc, v))


def main():
    out = []
    for name, template, variables in CASES:
        case = {"name": name, "template": template, "variables": variables}
        try:
            case["expected"] = env.from_string(template).render(**variables)
        except Exception as e:  # noqa: BLE001
            case["error"] = type(e).__name__ + ": " + str(e)
        out.append(case)
    with open("jinja_cases.json", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(out)} cases")


if __name__ == "__main__":
    main()
