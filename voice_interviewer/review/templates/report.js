
document.querySelectorAll('section.answer').forEach(function(sec){
  var audio=sec.querySelector('audio'); var words=[].slice.call(sec.querySelectorAll('.tx .w'));
  var svg=sec.querySelector('svg.timeline'); var head=svg&&svg.querySelector('.playhead');
  if(!audio){return;}
  audio.addEventListener('timeupdate',function(){
    var t=audio.currentTime;
    words.forEach(function(w){w.classList.toggle('now',t>=+w.dataset.s&&t<+w.dataset.e+0.08);});
    if(head){var x=+svg.dataset.left+t*svg.dataset.scale;head.setAttribute('x1',x);head.setAttribute('x2',x);
      head.style.visibility='visible';}
  });
  words.forEach(function(w){w.addEventListener('click',function(){audio.currentTime=+w.dataset.s;audio.play();});});
  if(svg){svg.addEventListener('click',function(ev){var box=svg.getBoundingClientRect();
    var x=(ev.clientX-box.left)*svg.viewBox.baseVal.width/box.width;
    audio.currentTime=Math.max(0,(x-svg.dataset.left)/svg.dataset.scale);audio.play();});}
});
document.documentElement.dataset.ready=document.querySelectorAll('svg.chart').length;
