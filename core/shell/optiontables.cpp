// SPDX-License-Identifier: GPL-3.0-or-later
// The options of the read-only commands, as their --help lists them (GNU coreutils, grep, sed,
// diffutils, file, util-linux, gawk and mawk). A word that is none of them, or that abbreviates
// several, makes the command not read-only: what a program does with an option this table does
// not know cannot be told.
#include "shell/commandsupport_p.h"
#include "shell/options_p.h"

namespace gatehouse::shell::detail {

using namespace Qt::StringLiterals;

namespace {

const OptionTable &checksumTable()
{
    static const OptionTable table({u"b,binary", u"c,check", u",tag", u"t,text", u"z,zero", u",ignore-missing", u",quiet",
                                    u",status", u",strict", u"w,warn", u",help", u",version"});
    return table;
}

// The tables by program name.
OptionTableSet buildTables()
{
    OptionTableSet tables;
    const auto add = [&tables](std::initializer_list<const char16_t *> names, const OptionTable *table) {
        tables.add(names, table, table != &checksumTable());
    };
    add({u"cat"}, new OptionTable({u"A,show-all", u"b,number-nonblank", u"e", u"E,show-ends", u"n,number",
                                   u"s,squeeze-blank", u"t", u"T,show-tabs", u"u", u"v,show-nonprinting", u",help",
                                   u",version"}));
    add({u"head"}, new OptionTable({u"c,bytes=", u"n,lines=", u"q,quiet", u",silent", u"v,verbose",
                                    u"z,zero-terminated", u",help", u",version"},
                                   true));
    add({u"tail"}, new OptionTable({u"c,bytes=", u"f", u",follow?", u"F", u"n,lines=", u",max-unchanged-stats=",
                                    u",pid=", u"q,quiet", u",silent", u",retry", u"s,sleep-interval=", u"v,verbose",
                                    u"z,zero-terminated", u",help", u",version"},
                                   true));
    add({u"nl"}, new OptionTable({u"b,body-numbering=", u"d,section-delimiter=", u"f,footer-numbering=",
                                  u"h,header-numbering=", u"i,line-increment=", u"l,join-blank-lines=",
                                  u"n,number-format=", u"p,no-renumber", u"s,number-separator=",
                                  u"v,starting-line-number=", u"w,number-width=", u",help", u",version"}));
    add({u"tac"}, new OptionTable({u"b,before", u"r,regex", u"s,separator=", u",help", u",version"}));
    add({u"wc"}, new OptionTable({u"c,bytes", u"m,chars", u"l,lines", u"L,max-line-length", u"w,words",
                                  u",files0-from=", u",total=", u",help", u",version"}));
    add({u"od"}, new OptionTable({u"A,address-radix=", u",endian=", u"j,skip-bytes=", u"N,read-bytes=", u"S=",
                                  u",strings?", u"t,format=", u"v,output-duplicates", u"w?", u",width?",
                                  u",traditional", u"a", u"b", u"c", u"d", u"f", u"i", u"l", u"o", u"s", u"x",
                                  u",help", u",version"}));
    add({u"strings"}, new OptionTable({u"a,all", u"d,data", u"f,print-file-name", u"n,bytes=", u"t,radix=",
                                       u"w,include-all-whitespace", u"o", u"T,target=", u"e,encoding=", u",unicode=",
                                       u"U=", u"s,output-separator=", u"h,help", u"v,version", u"V"},
                                      true));
    add({u"file"}, new OptionTable({u",apple", u"b,brief", u"c,checking-printout", u"C,compile", u"d,debug",
                                    u"e,exclude=", u",exclude-quiet=", u",extension", u"f,files-from=",
                                    u"F,separator=", u"h,no-dereference", u"i,mime", u",mime-type", u",mime-encoding",
                                    u"k,keep-going", u"l,list", u"L,dereference", u"m,magic-file=", u"n,no-buffer",
                                    u"N,no-pad", u"0,print0", u"p,preserve-date", u"P,parameter=", u"r,raw",
                                    u"s,special-files", u"S,no-sandbox", u"v,version", u"z,uncompress",
                                    u"Z,uncompress-noreport", u",help"}));
    add({u"md5sum", u"sha1sum", u"sha224sum", u"sha256sum", u"sha384sum", u"sha512sum"}, &checksumTable());
    add({u"b2sum"}, new OptionTable({u"b,binary", u"c,check", u"l,length=", u",tag", u"t,text", u"z,zero",
                                     u",ignore-missing", u",quiet", u",status", u",strict", u"w,warn", u",help",
                                     u",version"}));
    add({u"cksum"}, new OptionTable({u"a,algorithm=", u",base64", u"c,check", u"l,length=", u",raw", u",tag",
                                     u",untagged", u"z,zero", u",ignore-missing", u",quiet", u",status", u",strict",
                                     u"w,warn", u",debug", u",help", u",version"}));
    add({u"sum"}, new OptionTable({u"r", u"s,sysv", u",help", u",version"}));
    add({u"cmp"}, new OptionTable({u"b,print-bytes", u"i,ignore-initial=", u"l,verbose", u"n,bytes=", u"s,quiet",
                                   u",silent", u",help", u"v,version"}));
    add({u"diff"}, new OptionTable({u"a,text", u"b,ignore-space-change", u"B,ignore-blank-lines", u"c", u"C=",
                                    u",context?", u"d,minimal", u"D,ifdef=", u"e,ed", u"E,ignore-tab-expansion",
                                    u"f,forward-ed", u"F,show-function-line=", u"i,ignore-case",
                                    u"I,ignore-matching-lines=", u"l,paginate", u"n,rcs", u"N,new-file",
                                    u"p,show-c-function", u"P,unidirectional-new-file", u"q,brief", u"r,recursive",
                                    u"s,report-identical-files", u"S,starting-file=", u"t,expand-tabs",
                                    u"T,initial-tab", u"u", u"U=", u",unified?", u"v,version", u"w,ignore-all-space",
                                    u"W,width=", u"x,exclude=", u"X,exclude-from=", u"y,side-by-side",
                                    u"Z,ignore-trailing-space", u",color?", u",from-file=", u",to-file=", u",help",
                                    u",horizon-lines=", u",ignore-file-name-case", u",no-ignore-file-name-case",
                                    u",label=", u",left-column", u",line-format=", u",old-line-format=",
                                    u",new-line-format=", u",unchanged-line-format=", u",old-group-format=",
                                    u",new-group-format=", u",changed-group-format=", u",unchanged-group-format=",
                                    u",no-dereference", u",normal", u",palette=", u",speed-large-files",
                                    u",strip-trailing-cr", u",suppress-blank-empty", u",suppress-common-lines",
                                    u",tabsize="},
                                   true));
    add({u"comm"}, new OptionTable({u"1", u"2", u"3", u",check-order", u",nocheck-order", u",output-delimiter=",
                                    u",total", u"z,zero-terminated", u",help", u",version"}));
    add({u"cut"}, new OptionTable({u"b,bytes=", u"c,characters=", u"d,delimiter=", u"f,fields=", u"n",
                                   u",complement", u"s,only-delimited", u",output-delimiter=", u"z,zero-terminated",
                                   u",help", u",version"}));
    add({u"paste"}, new OptionTable({u"d,delimiters=", u"s,serial", u"z,zero-terminated", u",help", u",version"}));
    add({u"fold"}, new OptionTable({u"b,bytes", u"s,spaces", u"w,width=", u",help", u",version"}, true));
    add({u"fmt"}, new OptionTable({u"c,crown-margin", u"p,prefix=", u"s,split-only", u"t,tagged-paragraph",
                                   u"u,uniform-spacing", u"w,width=", u"g,goal=", u",help", u",version"},
                                  true));
    add({u"expand"}, new OptionTable({u"i,initial", u"t,tabs=", u",help", u",version"}, true));
    add({u"unexpand"}, new OptionTable({u"a,all", u",first-only", u"t,tabs=", u",help", u",version"}, true));
    add({u"base64", u"base32"}, new OptionTable({u"d,decode", u"i,ignore-garbage", u"w,wrap=", u",help", u",version"}));
    add({u"rev"}, new OptionTable({u"0,zero", u"h,help", u"V,version"}));
    add({u"hexdump"}, new OptionTable({u"b,one-byte-octal", u"c,one-byte-char", u"C,canonical",
                                       u"d,two-bytes-decimal", u"e,format=", u"f,format-file=", u"L,color?",
                                       u"n,length=", u"o,two-bytes-octal", u"s,skip=", u"v,no-squeezing",
                                       u"x,two-bytes-hex", u"h,help", u"V,version"}));
    add({u"column"}, new OptionTable({u"c,output-width=", u"d,table-noheadings", u"e,table-header-repeat",
                                      u"E,table-noextreme=", u"H,table-hide=", u"i,tree-id=", u"J,json",
                                      u"l,table-columns-limit=", u"L,keep-empty-lines", u",table-empty-lines",
                                      u"N,table-columns=", u"n,table-name=", u"O,table-order=",
                                      u"o,output-separator=", u"p,tree-parent=", u"r,tree=", u"R,table-right=",
                                      u"s,separator=", u"t,table", u"T,table-truncate=", u"W,table-wrap=",
                                      u"x,fillrows", u"h,help", u"V,version"}));
    add({u"stat"}, new OptionTable({u"L,dereference", u"f,file-system", u",cached=", u"c=", u",format=", u",printf=",
                                    u"t,terse", u",help", u",version"}));
    add({u"realpath"}, new OptionTable({u"e,canonicalize-existing", u"m,canonicalize-missing", u"L,logical",
                                        u"P,physical", u"q,quiet", u",relative-to=", u",relative-base=", u"s,strip",
                                        u",no-symlinks", u"z,zero", u",help", u",version"}));
    add({u"readlink"}, new OptionTable({u"f,canonicalize", u"e,canonicalize-existing", u"m,canonicalize-missing",
                                        u"n,no-newline", u"q,quiet", u"s,silent", u"v,verbose", u"z,zero", u",help",
                                        u",version"}));
    add({u"ls", u"dir", u"vdir"},
        new OptionTable({u"a,all", u"A,almost-all", u",author", u"b,escape", u",block-size=", u"B,ignore-backups", u"c",
                         u"C", u",color?", u"d,directory", u"D,dired", u"f", u"F", u",classify?", u",file-type",
                         u",format=", u",full-time", u"g", u",group-directories-first", u"G,no-group",
                         u"h,human-readable", u",si", u"H,dereference-command-line",
                         u",dereference-command-line-symlink-to-dir", u",hide=", u",hyperlink?", u",indicator-style=",
                         u"i,inode", u"I,ignore=", u"k,kibibytes", u"l", u"L,dereference", u"m", u"n,numeric-uid-gid",
                         u"N,literal", u"o", u"p", u"q,hide-control-chars", u",show-control-chars", u"Q,quote-name",
                         u",quoting-style=", u"r,reverse", u"R,recursive", u"s,size", u"S", u",sort=", u",time=",
                         u",time-style=", u"t", u"T,tabsize=", u"u", u"U", u"v", u"w,width=", u"x", u"X",
                         u"Z,context", u",zero", u"1", u",help", u",version"}));
    add({u"du"}, new OptionTable({u"0,null", u"a,all", u",apparent-size", u"B,block-size=", u"b,bytes", u"c,total",
                                  u"D,dereference-args", u"d,max-depth=", u",files0-from=", u"H", u"h,human-readable",
                                  u",inodes", u"k", u"L,dereference", u"l,count-links", u"m", u"P,no-dereference",
                                  u"S,separate-dirs", u",si", u"s,summarize", u"t,threshold=", u",time?",
                                  u",time-style=", u"X,exclude-from=", u",exclude=", u"x,one-file-system", u",help",
                                  u",version"}));
    add({u"sort"}, new OptionTable({u"b,ignore-leading-blanks", u"d,dictionary-order", u"f,ignore-case",
                                    u"g,general-numeric-sort", u"i,ignore-nonprinting", u"M,month-sort",
                                    u"h,human-numeric-sort", u"n,numeric-sort", u"R,random-sort", u",random-source=",
                                    u"r,reverse", u",sort=", u"V,version-sort", u",batch-size=", u"c", u",check?",
                                    u"C", u",compress-program=", u",debug", u",files0-from=", u"k,key=", u"m,merge",
                                    u"o,output=", u"s,stable", u"S,buffer-size=", u"t,field-separator=",
                                    u"T,temporary-directory=", u",parallel=", u"u,unique", u"z,zero-terminated",
                                    u",help", u",version"}));
    add({u"uniq"}, new OptionTable({u"c,count", u"d,repeated", u"D", u",all-repeated?", u"f,skip-fields=", u",group?",
                                    u"i,ignore-case", u"s,skip-chars=", u"u,unique", u"z,zero-terminated",
                                    u"w,check-chars=", u",help", u",version"},
                                   true));
    add({u"sed"}, new OptionTable({u"n,quiet", u",silent", u",debug", u"e,expression=", u"f,file=",
                                   u",follow-symlinks", u"i,in-place?", u"l,line-length=", u",posix",
                                   u"E,regexp-extended", u"r", u"s,separate", u",sandbox", u"u,unbuffered",
                                   u"z,null-data", u",zero-terminated", u"b,binary", u",help", u",version"}));
    add({u"grep", u"egrep", u"fgrep"},
        new OptionTable({u"E,extended-regexp", u"F,fixed-strings", u"G,basic-regexp", u"P,perl-regexp", u"e,regexp=",
                         u"f,file=", u"i,ignore-case", u"y", u",no-ignore-case", u"w,word-regexp", u"x,line-regexp",
                         u"z,null-data", u"s,no-messages", u"v,invert-match", u"V,version", u",help",
                         u"m,max-count=", u"b,byte-offset", u"n,line-number", u",line-buffered", u"H,with-filename",
                         u"h,no-filename", u",label=", u"o,only-matching", u"q,quiet", u",silent", u",binary-files=",
                         u"a,text", u"I", u"d,directories=", u"D,devices=", u"r,recursive",
                         u"R,dereference-recursive", u",include=", u",exclude=", u",exclude-from=", u",exclude-dir=",
                         u"L,files-without-match", u"l,files-with-matches", u"c,count", u"T,initial-tab", u"Z,null",
                         u"B,before-context=", u"A,after-context=", u"C,context=", u",group-separator=",
                         u",no-group-separator", u",color?", u",colour?", u"U,binary"},
                        true));
    add({u"date"}, new OptionTable({u"d,date=", u",debug", u"f,file=", u"I,iso-8601?", u",resolution",
                                    u"R,rfc-email", u",rfc-3339=", u"r,reference=", u"s,set=", u"u,utc",
                                    u",universal", u",help", u",version"}));
    add({u"hostname"}, new OptionTable({u"a,alias", u"A,all-fqdns", u"b,boot", u"d,domain", u"f,fqdn", u",long",
                                        u"F,file=", u"i,ip-address", u"I,all-ip-addresses", u"s,short", u"y,yp",
                                        u",nis", u"V,version", u"h,help"}));
    // gawk's and mawk's options together; awk is either.
    add({u"awk", u"gawk", u"mawk", u"nawk"},
        new OptionTable({u"f,file=", u"F,field-separator=", u"v,assign=", u"b,characters-as-bytes", u"c,traditional",
                         u"C,copyright", u"d,dump-variables?", u"D,debug?", u"e,source=", u"E,exec=", u"g,gen-pot",
                         u"h,help", u"i,include=", u"k,csv", u"l,load=", u"L,lint?", u"M,bignum",
                         u"n,non-decimal-data", u"N,use-lc-numeric", u"o,pretty-print?", u"O,optimize",
                         u"p,profile?", u"P,posix", u"r,re-interval", u"s,no-optimize", u"S,sandbox", u"t,lint-old",
                         u"V,version", u"W="}));
    // ripgrep 14 (rg --help); its "--no-X" forms are read like git's (parseGitOptions).
    add({u"rg"},
        new OptionTable({u"e,regexp=", u"f,file=", u"A,after-context=", u"B,before-context=", u"C,context=",
                         u",binary", u",block-buffered", u"b,byte-offset", u"s,case-sensitive", u",color=",
                         u",colors=", u",column", u",context-separator=", u"c,count", u",count-matches", u",crlf",
                         u",debug", u",trace", u",dfa-size-limit=", u"E,encoding=", u",engine=",
                         u",field-context-separator=", u",field-match-separator=", u",files", u"l,files-with-matches",
                         u",files-without-match", u"F,fixed-strings", u"L,follow", u",generate=", u"g,glob=",
                         u",glob-case-insensitive", u",heading", u"h,help", u".,hidden", u",hostname-bin=",
                         u",hyperlink-format=", u",iglob=", u"i,ignore-case", u",ignore-file=",
                         u",ignore-file-case-insensitive", u",include-zero", u"v,invert-match", u",json",
                         u",line-buffered", u"n,line-number", u"x,line-regexp", u"M,max-columns=",
                         u",max-columns-preview", u"m,max-count=", u"d,max-depth=", u",maxdepth=", u",max-filesize=",
                         u",mmap", u"U,multiline", u",multiline-dotall", u",no-config", u"I,no-filename",
                         u",no-heading", u",no-ignore", u",no-ignore-dot", u",no-ignore-exclude", u",no-ignore-files",
                         u",no-ignore-global", u",no-ignore-messages", u",no-ignore-parent", u",no-ignore-vcs",
                         u"N,no-line-number", u",no-messages", u",no-pcre2-unicode", u",no-require-git",
                         u",no-unicode", u"0,null", u",null-data", u",one-file-system", u"o,only-matching",
                         u",passthru", u",passthrough", u",path-separator=", u"P,pcre2", u",pcre2-version",
                         u",pre=", u",pre-glob=", u"p,pretty", u"q,quiet", u",regex-size-limit=", u"r,replace=",
                         u"z,search-zip", u"S,smart-case", u",sort=", u",sortr=", u",stats", u",stop-on-nonmatch",
                         u"a,text", u"j,threads=", u",trim", u"t,type=", u",type-add=", u",type-clear=",
                         u",type-list", u"T,type-not=", u"u,unrestricted", u"V,version", u",vimgrep",
                         u"H,with-filename", u"w,word-regexp", u",auto-hybrid-regex", u",sort-files",
                         u",unicode", u",pcre2-unicode", u",ignore", u",messages", u",line-number",
                         u",filename", u",require-git", u",ignore-vcs", u",ignore-dot", u",ignore-parent",
                         u",ignore-global", u",ignore-exclude", u",ignore-messages", u",config"}));
    return tables;
}

} // namespace

const OptionTable *optionTableFor(const QString &program)
{
    static const OptionTableSet tables = buildTables();
    return tables.find(program);
}

} // namespace gatehouse::shell::detail
