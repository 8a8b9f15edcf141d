"""The stylesheet and script of an explorer's kernel-free HTML card (see :mod:`.explorer`).

Both are inlined into each card, so a card works on its own: in the book, opened from
``file://`` with no network, and in a trusted notebook. Nothing is loaded from another
host, there is no ``eval`` and no inline event handler, and the script only switches
between frames it carries. Colours come from the book theme's variables
(pydata-sphinx-theme, which also switches them for ``html[data-theme="dark"]``), then
from JupyterLab's, then fall back to a light palette.
"""

from __future__ import annotations

CSS = """
.attn-explorer{
 --ae-fg:var(--pst-color-text-base,var(--jp-ui-font-color1,#1f2328));
 --ae-muted:var(--pst-color-text-muted,var(--jp-ui-font-color2,#59636e));
 --ae-bg:var(--pst-color-on-background,var(--jp-layout-color1,#fff));
 --ae-surface:var(--pst-color-surface,var(--jp-layout-color2,#f3f4f6));
 --ae-border:var(--pst-color-border,var(--jp-border-color1,#c9d1d9));
 --ae-accent:var(--pst-color-primary,var(--jp-brand-color1,#0a7d91));
 --ae-on-accent:var(--pst-color-primary-text,#fff);
 position:relative;box-sizing:border-box;max-width:100%;margin:.75rem 0;padding:.75rem 1rem 1rem;
 border:1px solid var(--ae-border);border-top:4px solid var(--ae-accent);border-radius:.5rem;
 background:var(--ae-bg);color:var(--ae-fg);font-size:.95rem;line-height:1.4;overflow-wrap:anywhere}
.attn-explorer *{box-sizing:border-box}
.attn-explorer-header{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem;margin:0 0 .6rem}
.attn-explorer-badge{display:inline-flex;align-items:center;gap:.35em;padding:.15em .6em;border-radius:999px;
 background:var(--ae-accent);color:var(--ae-on-accent);font-size:.72rem;font-weight:700;letter-spacing:.05em;
 text-transform:uppercase;white-space:nowrap}
.attn-explorer-badge svg{width:1.1em;height:1.1em;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.attn-explorer-title{font-weight:600;font-size:1.05rem}
.attn-explorer-note{margin:0 0 .5rem;font-weight:600}
.attn-explorer-controls{display:grid;grid-template-columns:max-content minmax(0,1fr);align-items:center;
 gap:.15rem 1rem;margin:0 0 .6rem}
.attn-explorer-label{display:flex;align-items:center;justify-content:space-between;gap:.5rem;
 font-weight:600}
.attn-explorer-label label{margin:0;font-weight:inherit}
.attn-explorer-input{display:flex;flex-wrap:wrap;align-items:center;gap:.35rem .75rem;min-width:0}
.attn-explorer-track{flex:1 1 12rem;min-width:9rem;max-width:26rem;padding-bottom:.2rem}
.attn-explorer input[type=range]{-webkit-appearance:none;appearance:none;display:block;width:100%;height:44px;
 margin:0;padding:0;background:transparent;cursor:pointer}
.attn-explorer input[type=range]::-webkit-slider-runnable-track{height:6px;border-radius:3px;
 background:var(--ae-border)}
.attn-explorer input[type=range]::-moz-range-track{height:6px;border-radius:3px;background:var(--ae-border)}
.attn-explorer input[type=range]::-webkit-slider-thumb{-webkit-appearance:none;appearance:none;width:24px;height:24px;
 margin-top:-9px;border-radius:50%;background:var(--ae-accent);border:3px solid var(--ae-bg);
 box-shadow:0 0 0 1px var(--ae-accent)}
.attn-explorer input[type=range]::-moz-range-thumb{width:18px;height:18px;border-radius:50%;background:var(--ae-accent);
 border:3px solid var(--ae-bg);box-shadow:0 0 0 1px var(--ae-accent)}
.attn-explorer input:focus-visible{outline:none}
.attn-explorer input[type=range]:focus-visible::-webkit-slider-thumb{
 box-shadow:0 0 0 1px var(--ae-accent),0 0 0 5px var(--ae-border)}
.attn-explorer input[type=range]:focus-visible{outline:2px solid var(--ae-accent);outline-offset:2px;border-radius:4px}
.attn-explorer-ticks{display:flex;justify-content:space-between;margin:-12px 12px 0;font-size:.75rem;
 color:var(--ae-muted);pointer-events:none;user-select:none}
.attn-explorer-ticks>span{position:relative;display:flex;justify-content:center;width:0;padding-top:7px;
 white-space:nowrap}
.attn-explorer-ticks>span::before{content:"";position:absolute;top:0;left:-1px;width:2px;height:5px;
 border-radius:1px;background:var(--ae-muted)}
.attn-explorer-value{min-width:3em;font-weight:700;font-variant-numeric:tabular-nums}
.attn-explorer-choices{display:flex;flex-wrap:wrap;gap:.4rem;padding:.2rem 0}
.attn-explorer-choice{position:relative;display:inline-flex;margin:0}
.attn-explorer-choice input{position:absolute;opacity:0;width:1px;height:1px;margin:0;pointer-events:none}
.attn-explorer-choice span{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;
 padding:.2rem .9rem;border:1px solid var(--ae-border);border-radius:.4rem;background:var(--ae-surface);
 color:var(--ae-fg);font-weight:500;cursor:pointer;user-select:none}
.attn-explorer-choice span:hover{border-color:var(--ae-accent)}
.attn-explorer-choice input:checked+span{background:var(--ae-accent);border-color:var(--ae-accent);
 color:var(--ae-on-accent);font-weight:600}
.attn-explorer-choice input:focus-visible+span{outline:2px solid var(--ae-accent);outline-offset:2px}
.attn-explorer-play{flex:none;display:inline-flex;align-items:center;justify-content:center;width:44px;height:44px;
 margin:0;padding:0;border:2px solid var(--ae-accent);border-radius:50%;background:var(--ae-bg);color:var(--ae-accent);
 cursor:pointer}
.attn-explorer-play::before{content:"";margin-left:4px;border-style:solid;border-width:8px 0 8px 13px;
 border-color:transparent transparent transparent currentColor}
.attn-explorer-play[aria-pressed=true]{background:var(--ae-accent);color:var(--ae-on-accent)}
.attn-explorer-play[aria-pressed=true]::before{width:13px;height:15px;margin:0;border-width:0 4px;
 border-color:transparent currentColor}
.attn-explorer-play:focus-visible{outline:2px solid var(--ae-accent);outline-offset:2px}
.attn-explorer :disabled,.attn-explorer :disabled+span{cursor:not-allowed;opacity:.55}
.attn-explorer-body{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.75rem 1rem}
.attn-explorer-figure{max-width:100%;margin:0;line-height:0}
.attn-explorer img.explorer-frame{display:block;max-width:100%;height:auto;margin:0;padding:0!important;
 border-radius:.25rem;background:#fff}
html[data-theme=dark] div.cell_output .text_html:has(.attn-explorer){padding:0!important;
 background:transparent!important}
.attn-explorer-readout{flex:1 1 9rem;min-width:9rem;font-size:.85rem;font-variant-numeric:tabular-nums}
.attn-explorer-readout table{width:auto;margin:0;border-collapse:collapse;color:inherit;background:transparent}
.attn-explorer-readout th,.attn-explorer-readout td{padding:.15rem .6rem;border:0;
 border-bottom:1px solid var(--ae-border);background:transparent}
.attn-explorer-readout th{text-align:left;font-weight:600}
.attn-explorer-readout td{text-align:right}
.attn-explorer-readout-text{margin:0;white-space:pre-wrap}
.attn-explorer-fixed{margin:.6rem 0 0;font-size:.85rem;color:var(--ae-muted)}
.attn-explorer-sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
 clip:rect(0,0,0,0);white-space:nowrap;border:0}
@media (max-width:600px){
 .attn-explorer{padding:.6rem .65rem .75rem}
 .attn-explorer-controls{grid-template-columns:minmax(0,1fr);gap:0}
 .attn-explorer-label{justify-content:flex-start;margin-top:.35rem}
}
"""

#: A "sliders" icon for the badge (hidden from screen readers; the word "Interactive" says it).
ICON = ('<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 6h16M4 12h16M4 18h16"/>'
        '<circle cx="9" cy="6" r="2.2" fill="currentColor"/><circle cx="15" cy="12" r="2.2" fill="currentColor"/>'
        '<circle cx="7" cy="18" r="2.2" fill="currentColor"/></svg>')

#: The card's behaviour. ``__UID__`` and ``__DATA__`` are filled in per card; DATA holds, for
#: the static controls in order: names, labels[i][j], sizes, start; per frame: frames (data:
#: URLs), alts, readouts (HTML or null); play (index of the played control or -1), interval.
SCRIPT = """(function(){
var s=document.currentScript,root=s&&s.parentNode;
if(!root||!root.classList||!root.classList.contains('attn-explorer'))root=document.getElementById('__UID__');
if(!root||root.getAttribute('data-live'))return;
var D=__DATA__,idx=D.start.slice(),timer=null,rows=[],i;
var frame=root.querySelector('img.explorer-frame'),status=root.querySelector('.attn-explorer-status');
var readout=root.querySelector('.attn-explorer-readout'),play=root.querySelector('button.attn-explorer-play');
for(i=0;i<D.sizes.length;i++){var box=root.querySelector('[data-control="'+i+'"]');
 rows.push({range:box.querySelector('input[type=range]'),radios:box.querySelectorAll('input[type=radio]'),
 out:box.querySelector('.attn-explorer-value')});}
function show(){var k=0,said=[];
 for(var i=0;i<idx.length;i++){var r=rows[i],text=D.labels[i][idx[i]];
  k=k*D.sizes[i]+idx[i];said.push(D.names[i]+': '+text);
  if(r.range){r.range.value=String(idx[i]);r.range.setAttribute('aria-valuetext',text);}
  for(var j=0;j<r.radios.length;j++)r.radios[j].checked=(j===idx[i]);
  if(r.out)r.out.textContent=text;}
 frame.src=D.frames[k];frame.alt=D.alts[k];
 if(readout&&D.readouts)readout.innerHTML=D.readouts[k];
 status.textContent=said.join(', ');}
function stop(){if(timer!==null){clearInterval(timer);timer=null;}if(play)play.setAttribute('aria-pressed','false');}
function tick(){var p=D.play;if(idx[p]<D.sizes[p]-1){idx[p]+=1;show();}if(idx[p]>=D.sizes[p]-1)stop();}
rows.forEach(function(r,i){
 function set(v){if(i===D.play)stop();idx[i]=Number(v);show();}
 if(r.range){r.range.addEventListener('input',function(){set(r.range.value);});r.range.disabled=false;}
 Array.prototype.forEach.call(r.radios,function(el){
  el.addEventListener('change',function(){if(el.checked)set(el.value);});el.disabled=false;});});
if(play){play.addEventListener('click',function(){
 if(timer!==null){stop();return;}
 var p=D.play;if(idx[p]>=D.sizes[p]-1){idx[p]=0;show();}
 timer=setInterval(tick,D.interval);play.setAttribute('aria-pressed','true');});
 play.disabled=false;}
var note=root.querySelector('.attn-explorer-note');if(note)note.parentNode.removeChild(note);
root.setAttribute('data-live','1');
})();"""
