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
